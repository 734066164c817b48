"""The ``google_maps`` skill: address lookup and driving routes with Google Maps."""
