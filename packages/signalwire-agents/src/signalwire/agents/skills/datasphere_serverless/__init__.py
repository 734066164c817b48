"""The ``datasphere_serverless`` skill: DataSphere search run by the platform (DataMap)."""
