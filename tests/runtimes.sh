# Today's runtimes, checkpointed mid-run with --tree --kill and restarted:
# a python3 asyncio program (epoll, a socketpair carrying records between
# two coroutines, timers), a Node.js program (libuv's epoll, eventfd and
# pipes in several threads, timers, crypto work) and a Java program (the
# JVM's ~20 threads and mapped class-data archive; three workers of its
# own), and a C event loop on a signalfd and a timerfd (with poll, and
# with an epoll watching both).  Each
# output must be that of an uninterrupted run.  A runtime missing on the
# machine is skipped.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'pkill -KILL -f "$d/"; rm -rf $d' EXIT
ran=0

cat > $d/aio.py <<'EOF'
import asyncio, hashlib, socket, sys

async def main(out, n):
    a, b = socket.socketpair()
    r, w = await asyncio.open_connection(sock=a)
    r2, w2 = await asyncio.open_connection(sock=b)
    tick = []
    loop = asyncio.get_running_loop()
    def beat():
        tick.append(len(tick))
        loop.call_later(0.05, beat)
    loop.call_later(0.05, beat)
    async def produce():
        h = b"seed"
        for i in range(n):
            h = hashlib.sha256(h + str(i).encode()).digest()
            w.write(b"%d %s\n" % (i, h.hex().encode()))
            await w.drain()
            await asyncio.sleep(0.03)
        w.close()
    async def consume(f):
        total = 0
        while line := await r2.readline():
            i, hx = line.split()
            total = (total * 31 + int(hx[:8], 16)) % (1 << 61)
            f.write("%s %s %d\n" % (i.decode(), hx.decode(), total))
    with open(out, "w", buffering=1) as f:
        await asyncio.gather(produce(), consume(f))
        f.write("beats>0 %s\n" % (len(tick) > 0))

asyncio.run(main(sys.argv[2], int(sys.argv[1])))
EOF

cat > $d/tick.js <<'EOF'
const crypto = require('crypto');
const fs = require('fs');
const [n, out] = [+process.argv[2], process.argv[3]];
const fd = fs.openSync(out, 'w');
let h = Buffer.from('seed'), i = 0, chain = Promise.resolve();
const timer = setInterval(() => {
  for (let k = 0; k < 200; k++)
    h = crypto.createHash('sha256').update(h).update(String(i)).digest();
  const [line, hh] = [`${i} ${h.toString('hex')}`, h];
  // a threadpool round trip per step, written in order
  chain = chain.then(() => new Promise(done =>
    crypto.pbkdf2(hh, 'salt', 10, 16, 'sha256', (err, key) => {
      fs.writeSync(fd, `${line} ${key.toString('hex')}\n`);
      done();
    })));
  if (++i >= n) {
    clearInterval(timer);
    chain.then(() => fs.closeSync(fd));
  }
}, 40);
EOF

cat > $d/Tick.java <<'EOF'
import java.io.*;
import java.util.concurrent.atomic.AtomicLong;

// A hash of its own: the JIT's SHA intrinsics have crashed under qemu TCG.
public class Tick {
    static long mix(long h, long v) {
        h ^= v;
        h *= 0x100000001b3L;
        return h ^ (h >>> 29);
    }

    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        AtomicLong sum = new AtomicLong();
        Thread[] ws = new Thread[3];
        for (int t = 0; t < 3; t++) {
            final int id = t;
            ws[t] = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    sum.addAndGet((long) id * i + 1);
                    try { Thread.sleep(10); } catch (InterruptedException e) { return; }
                }
            });
            ws[t].start();
        }
        long h = 0xcbf29ce484222325L;
        try (PrintWriter w = new PrintWriter(new FileWriter(a[1]), true)) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 20000; k++)
                    h = mix(h, (long) i * 31 + k);
                w.println(i + " " + Long.toHexString(h));
                Thread.sleep(40);
            }
            for (Thread t : ws) t.join();
            w.println("sum " + sum.get());
        }
    }
}
EOF

# run NAME CMD...: CMD OUT (CMD ends with the step count) runs to the end once for the reference, then
# again, checkpointed once OUT has 20 lines, killed, restarted; the
# outputs must match.
run() {
	local name=$1 rc
	shift
	"$@" $d/$name.ref || fail "$name: the reference run failed"
	"$@" $d/$name.out &
	pid=$!
	wait_until 600 "$name: 20 lines" has_lines 20 $d/$name.out
	ckpt_kill $d/$name.ctx --tree
	cr_restart $d/$name.ctx
	rc=$?
	[ $rc -eq 0 ] || fail "$name: cr_restart exited $rc"
	cmp $d/$name.ref $d/$name.out ||
		{ diff $d/$name.ref $d/$name.out | head; fail "$name: output differs"; }
	echo "$name: $(wc -l < $d/$name.out) lines, as uninterrupted"
	ran=$((ran + 1))
}

py=$(command -v python3) && run asyncio $py $d/aio.py 120
node=$(command -v node) && run node $node $d/tick.js 120
run evloop "$CR_TESTS/cmd/evloop" 120
# The same loop on an epoll: the signalfd's watch must be registered by
# the restarted program itself, or its signals never wake the epoll.
run evloop_epoll "$CR_TESTS/cmd/evloop" --epoll 120
if command -v javac > /dev/null && command -v java > /dev/null; then
	javac -d $d $d/Tick.java || fail "javac failed"
	# qemu 7.2's TCG emulation of AVX has crashed the JIT's code (even
	# in the uninterrupted run): keep the JVM to SSE.
	run java java -Xshare:auto -XX:+UseSerialGC -XX:UseAVX=0 -Xmx64m \
		-cp $d Tick 120
fi
echo "$ran runtimes"
echo ok
