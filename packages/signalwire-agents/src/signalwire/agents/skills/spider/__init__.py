"""The ``spider`` skill: read, crawl and extract data from web pages (standard-library HTML)."""
