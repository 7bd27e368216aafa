#!/bin/bash
# report.sh LOG OUTDIR: on the host, after make bench: takes the CSV that
# tests/bench.sh printed (found in LOG, vmrun --show's output) and writes
# OUTDIR/bench.csv, OUTDIR/bench.txt (the table, with ratios; also printed)
# and OUTDIR/bench.png (with gnuplot, if installed); the compression
# ratios in OUTDIR/zip.txt, and after the table.
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

if command -v gnuplot > /dev/null; then
	# Warnings about columns without data (no criu) go to gnuplot.err.
	gnuplot 2> "$out/gnuplot.err" <<-EOF || echo "report: gnuplot failed: $(tail -n 3 "$out/gnuplot.err")"
		set terminal png size 1400,900 font ",10"
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
		set multiplot layout 2,1
		set title "checkpoint (median)"
		plot "$out/bench.csv" using 4:xtic(1) title "copy floor: write", \
			"" using 6 title "ours: ckpt (= downtime)", \
			"" using 11 title "criu: dump", \
			"" using 12 title "criu: frozen"
		set title "restart until the program runs (median)"
		plot "$out/bench.csv" using 5:xtic(1) title "copy floor: read", \
			"" using 8 title "ours: cr_restart", \
			"" using 16 title "ours: cr_restart --lazy", \
			"" using 13 title "criu: restore"
		unset multiplot
	EOF
else
	echo "report: gnuplot not installed (apt-get install gnuplot-nox): no plot"
fi
cat "$out/zip.txt" >> "$out/bench.txt"
cat "$out/bench.txt"
echo "results: $out/bench.csv $out/bench.txt$([ -f "$out/bench.png" ] && echo " $out/bench.png")"
