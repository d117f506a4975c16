#!/usr/bin/awk -f
# Counts --trace-gc collections between `run <analyzer> <label> start|end` markers (bench/analyzers.ts).
/^run .* start$/ { inside = 1; key = $2 " " $3; runs[key]++; next }
/^run .* end$/ { inside = 0; next }
inside && /Scavenge/ { scavenges[key]++ }
inside && /Mark-Compact/ { marks[key]++ }
/ ms, heapUsed/ { print }
END { for (key in runs) printf "%-28s %5.1f scavenges, %4.1f mark-compacts per run\n", key, scavenges[key] / runs[key], marks[key] / runs[key] }
