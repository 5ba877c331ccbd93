#!/usr/bin/env bash
# The scheduled crawl, for cron or a systemd timer. Exit codes (docs/design.md#d1-exit-codes):
#   0 healthy; 3 unhealthy (a listing/sitemap yielded nothing, or too many pages failed:
#   look at the log); 75 another crawl still holds the database (this run is skipped,
#   which is fine for a schedule); 2 bad usage; 1 unexpected.
# Settings come from the environment: CORPUS_DB, JUSTICE_CONTACT, DOJ_SPEECHES (the
# command, e.g. /opt/doj-speeches/.venv/bin/doj-speeches), DOJ_LOG (a log file).
set -u
cmd=${DOJ_SPEECHES:-doj-speeches}
log=${DOJ_LOG:-/dev/stderr}
"$cmd" crawl --db "${CORPUS_DB:-corpus.db}" --contact "${JUSTICE_CONTACT:?set JUSTICE_CONTACT to an e-mail or URL}" \
    --no-progress >>"$log" 2>&1
code=$?
case $code in
  0) ;;
  75) echo "$(date -Is) crawl skipped: another crawl holds the database" >>"$log"; code=0 ;;
  *) echo "$(date -Is) crawl exited $code" >>"$log" ;;
esac
exit $code
