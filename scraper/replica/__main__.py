"""`python -m scraper.replica [options]`: serve a replica; the first line of stdout is its
base URL (so a test or benchmark can start it with --port 0 and read the address)."""

from scraper.cli.replica import replica_command

if __name__ == "__main__":
    replica_command.main(prog_name="python -m scraper.replica")
