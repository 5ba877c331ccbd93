"""`doj-speeches probe`: a one-minute, polite check of the live site before a first
crawl. `run.py` fetches the samples, `report.py` judges them (pure)."""
