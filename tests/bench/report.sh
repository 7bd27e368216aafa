#!/bin/bash
# report.sh LOG OUTDIR: on the host, after make bench: takes the CSV that
# tests/bench.sh printed (found in LOG, vmrun --show's output) and writes
# OUTDIR/bench.csv, OUTDIR/bench.txt (the table, with ratios, and the
# downtime table of the checkpoints that leave the workload running; also
# printed) and OUTDIR/bench.png (with gnuplot, if installed); the
# compression ratios in OUTDIR/zip.txt, and after the tables.
set -u
log=$1
out=$2

# The first copy: vmrun prints the log again if the test failed.
awk '/bench-csv-end/ { exit } go { sub(/^ */, ""); print } /bench-csv-begin/ { go = 1 }' \
	"$log" > "$out/bench.csv"
# The compression ratios (tests/bench.sh's zip section), once each.
sed -n 's/^ *\(zip [a-z]*: .*\)/\1/p' "$log" | awk '!seen[$0]++' > "$out/zip.txt"
if [ $(wc -l < "$out/bench.csv") -lt 2 ]; then
	if [ -s "$out/zip.txt" ]; then	# BENCH_ONLY=zip
		cat "$out/zip.txt"
		exit 0
	fi
	echo "report: no results in $log"
	exit 1
fi

# Columns: see the header tests/bench.sh writes.
awk -F, '
	function r(a, b) { return a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/ && b > 0 ? sprintf("%.2f", a / b) : "-" }
	NR == 1 { next }
	NR == 2 {
		printf "%-9s %5s | %-11s | %-37s | %-37s | %s\n", "", "", "copy floor",
			"ours (cr_checkpoint/cr_restart)", "criu", "ratios"
		printf "%-9s %5s | %5s %5s | %6s %7s %6s %7s %3s | %6s %6s %7s %7s %3s | %6s %6s %6s %6s %6s %6s\n",
			"workload", "MiB", "write", "read", "ckpt", "restart", "lazy", "image", "ok",
			"ckpt", "frozen", "restart", "image", "ok",
			"ck/flr", "rs/flr", "ck/cr", "dn/cr", "rs/cr", "lz/cr"
	}
	{
		printf "%-9s %5s | %5s %5s | %6s %7s %6s %7s %3s | %6s %6s %7s %7s %3s | %6s %6s %6s %6s %6s %6s\n",
			$1, $3 ? $3 : "-", $4, $5, $6, $8, $16, $9, $10, $11, $12, $13, $14, $15,
			r($6, $4), r($8, $5), r($6, $11), r($7, $12), r($8, $13), r($16, $13)
	}
	END {
		print ""
		print "Times in ms, medians; image sizes in MiB; ok: runs whose restored program verified its state."
		print "MiB: the data a checkpoint must save, copied by the floor program (write(2) to tmpfs, read(2) back)."
		print "ours: downtime = ckpt (stop the world); criu frozen: its stats-dump frozen_time."
		print "restart: from the restart command until the program runs again; lazy: cr_restart --lazy (memory read on touch and in the background)."
		print "ratios ours/floor (ckpt/write, restart/read) and ours/criu (ckpt, downtime/frozen, restart, lazy restart)."
	}' "$out/bench.csv" > "$out/bench.txt"

# The downtime table: columns 17-24 (tests/bench.sh run_cont), if there.
awk -F, '
	function r(a, b) { return a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/ && b > 0 ? sprintf("%.3f", a / b) : "-" }
	function v(x) { return x == "" ? "-" : x }
	NR == 1 && NF < 24 { exit }
	NR == 1 { go = 1; next }
	NR == 2 {
		print ""
		print "Checkpoints that leave the workload running: downtime from inside it"
		printf "%-9s | %4s %4s | %-13s | %-18s | %-13s | %s\n", "", "", "", "ours stop-wrld",
			"ours --live", "criu", "ratios (targets)"
		printf "%-9s | %4s %4s | %6s %6s | %6s %6s %4s | %6s %6s | %6s %6s %6s\n",
			"workload", "idle", "ok", "ckpt", "down", "ckpt", "down", "ok",
			"down", "frozen", "ld/frz", "ld/sd", "lv/sw"
		printf "%-9s | %4s %4s | %6s %6s | %6s %6s %4s | %6s %6s | %6s %6s %6s\n",
			"", "", "", "", "", "", "", "", "", "", "<=0.05", "<=0.1", "<=1.2"
	}
	{
		printf "%-9s | %4s %4s | %6s %6s | %6s %6s %4s | %6s %6s | %6s %6s %6s\n",
			$1, v($24), v($23), v($21), v($18), v($17), v($19), v($22), v($20), v($12),
			r($19, $12), r($19, $18), r($17, $21)
	}
	END {
		if (!go)
			exit
		print ""
		print "Times in ms, medians of the runs whose workload then verified its state (ok: of the continued"
		print "workload; for --live also its image, restarted).  down: the longest gap between two clock readings"
		print "of a thread of the workload that reads the clock every 1 ms, during the whole checkpoint command"
		print "(resolution about 1 ms; idle: the same over 1 s without a checkpoint, the floor).  ours: cr_checkpoint"
		print "(stop the world) and cr_checkpoint --live (pre-copy), the workload going on; criu: dump --leave-running,"
		print "frozen: its own frozen_time (the main table).  -: not measured (no --live, no criu, a failed run)."
		print "ratios: --live down/criu frozen, --live down/stop-the-world down, --live ckpt/stop-the-world ckpt."
	}' "$out/bench.csv" >> "$out/bench.txt"

if command -v gnuplot > /dev/null; then
	# Warnings about columns without data (no criu) go to gnuplot.err.
	gnuplot 2> "$out/gnuplot.err" <<-EOF || echo "report: gnuplot failed: $(tail -n 3 "$out/gnuplot.err")"
		set terminal png size 1400,1350 font ",10"
		set output "$out/bench.png"
		set datafile separator ","
		set datafile missing "-"
		set datafile columnheaders
		set termoption noenhanced
		set style data histograms
		set style histogram clustered gap 1
		set style fill solid 0.8 border -1
		set logscale y
		set ylabel "ms (log scale)"
		set grid ytics
		set key top left
		set xtics rotate by -30
		set multiplot layout 3,1
		set title "checkpoint (median)"
		plot "$out/bench.csv" using 4:xtic(1) title "copy floor: write", \
			"" using 6 title "ours: ckpt (= downtime)", \
			"" using 11 title "criu: dump", \
			"" using 12 title "criu: frozen", \
			"" using 21 title "ours: ckpt, going on", \
			"" using 17 title "ours: ckpt --live, going on"
		set title "restart until the program runs (median)"
		plot "$out/bench.csv" using 5:xtic(1) title "copy floor: read", \
			"" using 8 title "ours: cr_restart", \
			"" using 16 title "ours: cr_restart --lazy", \
			"" using 13 title "criu: restore"
		set title "downtime of a checkpoint that leaves the workload running: its longest gap (median)"
		set key outside right top
		plot "$out/bench.csv" using 18:xtic(1) title "ours: stop the world", \
			"" using 19 title "ours: --live", \
			"" using 20 title "criu: dump --leave-running", \
			"" using 12 title "criu: frozen (its own count)", \
			"" using 24 title "idle: no checkpoint (the floor)"
		unset multiplot
	EOF
else
	echo "report: gnuplot not installed (apt-get install gnuplot-nox): no plot"
fi
cat "$out/zip.txt" >> "$out/bench.txt"
cat "$out/bench.txt"
echo "results: $out/bench.csv $out/bench.txt$([ -f "$out/bench.png" ] && echo " $out/bench.png")"
