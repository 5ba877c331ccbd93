"""Started by scripts/bench.py between the benchmark and one command it measures:

    python scripts/bench_launcher.py REPORT.json COMMAND [ARGS...]

It forks and execs the command, samples the resident memory of the command's whole
process tree (a crawl has a writer process) every 0.1 s, and writes that, the command's
own wait4() figures and the CPU seconds of each process to REPORT.json. Linux carries a
process's peak RSS across exec, and a child forked from the benchmark would start with
the benchmark's memory (trafilatura, the pages): exec'd from this small launcher, it
starts from the launcher's ~10 MB. Standard library only, for the same reason.
"""

import json, os, sys, time
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
cpu = {}  # pid -> [command, CPU seconds when last seen]
# /proc reads that failed: a process that ended between the listing and the read (normal
# at exit), counted in the report so a sampler that saw nothing cannot pass unnoticed.
missed = [0]

def sample(root):
    stats, children = {}, {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    comm, rest = f.read().rsplit(")", 1)
                fields = rest.split()
                stats[int(name)] = (comm.split("(", 1)[1], fields)
                children.setdefault(int(fields[1]), []).append(int(name))
            except (OSError, ValueError, IndexError):
                missed[0] += 1
                continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            if pid not in cpu:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cpu[pid] = [f.read().replace(b"\0", b" ").decode(errors="replace")[:120], 0.0]
            fields = stats[pid][1]
            cpu[pid][1] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        except (OSError, ValueError, IndexError, KeyError):
            missed[0] += 1
    return total

started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
peak = 0
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done:
        break
    peak = max(peak, sample(pid))
    time.sleep(0.1)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "maxrss_kb": usage.ru_maxrss, "tree_rss_kb": peak // 1024,
               "cpu_seconds": usage.ru_utime + usage.ru_stime, "proc_reads_missed": missed[0],
               "processes": sorted(([c, seconds, p == pid] for p, (c, seconds) in cpu.items()),
                                   key=lambda p: (not p[2], -p[1]))}, out)
sys.exit(os.waitstatus_to_exitcode(status))
