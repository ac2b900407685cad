"""The CPython side of every workload of ./mp4j bench.

    python3 mp4j_bench.py NAME [quick]

runs one workload and prints its figure as the last line of stdout, "RESULT <number>", in the unit the
runner's catalog gives. Each function here mirrors the method of the same name in
dev.mp4j.bench.workloads.Mp4jWorkloads: keep the two doing the same work.
Start method: spawn (the issue's baseline), except where the workload says forkserver.

A steady-state workload first makes its pool, child or connection answer once (untimed), then runs
WARMUP warm-up passes and MEASURED measured passes of the same size with the same processes; RESULT is the
median of the measured passes. Before it come "FIRST <number>", the figure of the very first pass, and
"SECOND <number>", that of the pass after it. A workload that is one cold shot by nature prints neither.
"""

# Only what every child needs is imported here: a spawn or forkserver child imports this module again as its
# main, as a user's children import the user's script, so each module imported at the top would be paid by
# every child CPython starts (concurrent.futures, multiprocessing.managers, statistics and subprocess took
# about 30 ms a child on 2 CPUs). The workloads import the rest where they use it, as mp4j's children load
# only the classes they use.
import multiprocessing as mp
import os
import pickle
import sys
import time

MIB = 1 << 20
QUICK = False
# passes of a steady-state workload; the same as Mp4jWorkloads.WARMUP / MEASURED (QUICK_WARMUP / QUICK_MEASURED)
WARMUP, MEASURED = 5, 5
QUICK_WARMUP, QUICK_MEASURED = 1, 2
# a parent-driven workload's warm-up also lasts at least this long in a full run; the same as
# Mp4jWorkloads.WARMUP_SECONDS / MAX_WARMUP
WARMUP_SECONDS, MAX_WARMUP = 1.0, 1000
# the figures of the first and second passes, printed as FIRST and SECOND; None when the workload has none
FIRST = None
SECOND = None


def median(values):
    import statistics
    return statistics.median(values)


def size(full, small):
    return small if QUICK else full


def warmup():
    return QUICK_WARMUP if QUICK else WARMUP


def pass_count():
    """How many passes a steady-state workload runs in all: its children produce or echo for all of them."""
    return warmup() + (QUICK_MEASURED if QUICK else MEASURED)


def passes(one_pass, timed_warmup=None):
    """Runs the warm-up passes, then the measured ones; keeps the first two passes' figures for FIRST, SECOND.
    The warm-up lasts WARMUP passes and, in a full run, at least WARMUP_SECONDS (at most MAX_WARMUP passes),
    as Mp4jWorkloads.passes. Returns the median of the measured passes."""
    if timed_warmup is None:
        timed_warmup = not QUICK
    t0 = time.perf_counter()
    done = 0
    while done < warmup() or (timed_warmup and done < MAX_WARMUP and time.perf_counter() - t0 < WARMUP_SECONDS):
        keep(done, one_pass())
        done += 1
    kept = []
    for _ in range(QUICK_MEASURED if QUICK else MEASURED):
        figure = one_pass()
        keep(done, figure)
        done += 1
        kept.append(figure)
    return median(kept)


def keep(index, figure):
    """Keeps the figure of pass index (0-based) when it is the first or the second."""
    global FIRST, SECOND
    if index == 0:
        FIRST = figure
    elif index == 1:
        SECOND = figure


def fixed_passes(one_pass):
    """As passes, with exactly pass_count() passes: for a workload whose children produce or echo a fixed
    number of items."""
    return passes(one_pass, timed_warmup=False)


def check(ok, what):
    if not ok:
        raise RuntimeError(what)


def spawn():
    return mp.get_context("spawn")


# ---- tasks sent to workers and children (top level, so that spawn children find them) ----

def inc(x):
    return x + 1


def one():
    return 1


def nothing():
    pass


def spin(steps):
    """CPU-bound work: a 64-bit LCG stepped `steps` times."""
    x = 1
    acc = 0
    mask = (1 << 64) - 1
    for _ in range(steps):
        x = (x * 6364136223846793005 + 1442695040888963407) & mask
        acc ^= x >> 29
    return acc


def put_ints(q, n):
    for i in range(n):
        q.put(i)


def put_ints_rounds(q, each, barrier, rounds):
    for _ in range(rounds):
        barrier.wait()
        for i in range(each):
            q.put(i)


def put_big(q, n):
    b = bytes(MIB)
    for _ in range(n):
        q.put(b)


def echo(c, n):
    for _ in range(n):
        c.send(c.recv())


def send_big(c, n):
    b = bytes(MIB)
    for _ in range(n):
        c.send_bytes(b)


def locked_increments(lock, counter, barrier, done, n):
    barrier.wait()
    for _ in range(n):
        with lock:
            counter.value += 1
    done.put(1)


def fill_and_sum(a, n, result):
    for i in range(n):
        a[i] = i
    result.put(float(sum(a)))


# ---- workloads ----

def start_join(method, pacing=False):
    ctx = mp.get_context(method)
    n = size(4, 2)
    ms = []
    for i in range(n + 1):
        if pacing:
            time.sleep(1.0)  # the same pacing as the mp4j side, outside the measurement
        t0 = time.perf_counter()
        p = ctx.Process(target=nothing)
        p.start()
        p.join()
        figure = (time.perf_counter() - t0) * 1e3
        check(p.exitcode == 0, "the process exited with %r" % p.exitcode)
        keep(i, figure)
        if i > 0:
            ms.append(figure)
    return median(ms)


def program_pool_map():
    """A whole short program: Pool(2), the sum of map(x + 1) over 100,000 integers, printed; the runner times
    it from exec to exit."""
    n = size(100_000, 10_000)
    with spawn().Pool(2) as pool:
        total = sum(pool.map(inc, range(n)))
    print(total)
    check(total == n * (n + 1) // 2, "the sum is %r" % total)
    return total


def put_hello(q):
    q.put("hello")


def program_queue():
    """A whole short program: a Process puts a string on a Queue, the parent gets and prints it, then joins the
    process; the runner times it from exec to exit."""
    ctx = spawn()
    q = ctx.Queue()
    p = ctx.Process(target=put_hello, args=(q,))
    p.start()
    got = q.get()
    print(got)
    join_ok(p)
    check(got == "hello", "the queue gave %r" % got)
    return len(got)  # a positive figure: the runner times the program itself


def ppe_round_trip():
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(2, mp_context=spawn()) as ex:
        return round_trips(ex, size(1000, 200))


def round_trips(ex, n):
    """Passes of submit -> result one at a time on ex, once a worker is up; the mean per pass of n, in us."""
    ex.submit(one).result()

    def one_pass():
        t0 = time.perf_counter()
        for _ in range(n):
            ex.submit(one).result()
        return (time.perf_counter() - t0) * 1e6 / n

    return passes(one_pass)


def submits(ex, n):
    t0 = time.perf_counter()
    fs = [ex.submit(one) for _ in range(n)]
    total = sum(f.result() for f in fs)
    rate = n / (time.perf_counter() - t0)
    check(total == n, "the results add up to %d, not %d" % (total, n))
    return rate


def ppe_submits():
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(2, mp_context=spawn()) as ex:
        ex.submit(one).result()  # a worker is up
        n = size(20_000, 2_000)
        return passes(lambda: submits(ex, n))


def pool_map(pool, n, chunksize):
    with pool:
        pool.map(inc, [0, 1])  # the pool answers
        items = list(range(n))

        def one_pass():
            t0 = time.perf_counter()
            out = pool.map(inc, items, chunksize)
            rate = n / (time.perf_counter() - t0)
            check(len(out) == n and out[-1] == n, "map returned wrong results")
            return rate

        return passes(one_pass)


def pool_imap():
    n = size(100_000, 10_000)
    with spawn().Pool(2) as pool:
        pool.map(inc, [0, 1])  # the pool answers
        items = list(range(n))

        def one_pass():
            t0 = time.perf_counter()
            total = 0
            for r in pool.imap(inc, items, 100):
                total += r
            rate = n / (time.perf_counter() - t0)
            check(total == n * (n + 1) // 2, "imap returned wrong results")
            return rate

        return passes(one_pass)


def join_ok(p):
    p.join()
    check(p.exitcode == 0, "a child exited with %r" % p.exitcode)


def queue_small():
    n = size(100_000, 10_000)
    ctx = spawn()
    q = ctx.Queue()
    p = ctx.Process(target=put_ints, args=(q, 1 + pass_count() * n))
    p.start()
    q.get()

    def one_pass():
        t0 = time.perf_counter()
        for _ in range(n):
            q.get()
        return n / (time.perf_counter() - t0)

    rate = fixed_passes(one_pass)
    join_ok(p)
    return rate


def mib_passes(receive, n):
    """Fixed passes of n messages of 1 MiB taken with receive(); MiB/s."""
    return mib_length_passes(lambda: len(receive()), n)


def mib_length_passes(receive, n):
    """Fixed passes of n messages of 1 MiB taken with receive(), which returns its length; MiB/s."""
    def one_pass():
        t0 = time.perf_counter()
        for _ in range(n):
            check(receive() == MIB, "a message was not 1 MiB")
        return n / (time.perf_counter() - t0)

    return fixed_passes(one_pass)


def queue_big():
    n = size(200, 20)
    ctx = spawn()
    q = ctx.Queue()
    p = ctx.Process(target=put_big, args=(q, 1 + pass_count() * n))
    p.start()
    q.get()

    rate = mib_passes(q.get, n)
    join_ok(p)
    return rate


def queue_four_to_one():
    each = size(25_000, 2_500)
    producers = 4
    ctx = spawn()
    q = ctx.Queue()
    barrier = ctx.Barrier(producers + 1)
    ps = [ctx.Process(target=put_ints_rounds, args=(q, each, barrier, pass_count())) for _ in range(producers)]
    for p in ps:
        p.start()

    def one_pass():
        barrier.wait()
        t0 = time.perf_counter()
        for _ in range(producers * each):
            q.get()
        return producers * each / (time.perf_counter() - t0)

    rate = fixed_passes(one_pass)
    for p in ps:
        join_ok(p)
    return rate


def pipe_ping_pong():
    n = size(5_000, 1_000)
    ctx = spawn()
    mine, theirs = ctx.Pipe()
    p = ctx.Process(target=echo, args=(theirs, 1 + pass_count() * n))
    p.start()
    mine.send(-1)
    mine.recv()

    def one_pass():
        t0 = time.perf_counter()
        for i in range(n):
            mine.send(i)
            back = mine.recv()
            check(back == i, "the echo of %d was %r" % (i, back))
        return (time.perf_counter() - t0) * 1e6 / n

    us = fixed_passes(one_pass)
    join_ok(p)
    return us


def pipe_big(into=False):
    n = size(200, 20)
    ctx = spawn()
    mine, theirs = ctx.Pipe()
    p = ctx.Process(target=send_big, args=(theirs, 1 + pass_count() * n))
    p.start()
    mine.recv_bytes()

    if into:
        buf = bytearray(MIB)
        rate = mib_length_passes(lambda: mine.recv_bytes_into(buf), n)
    else:
        rate = mib_passes(mine.recv_bytes, n)
    join_ok(p)
    return rate


def lock_uncontended():
    lock = spawn().Lock()
    n = size(2_000_000, 200_000)

    def one_pass():
        t0 = time.perf_counter()
        for _ in range(n):
            lock.acquire()
            lock.release()
        return n / (time.perf_counter() - t0)

    return passes(one_pass)


def lock_contended():
    n = size(100_000, 10_000)
    ctx = spawn()
    lock = ctx.Lock()
    counter = ctx.RawValue("i", 0)
    barrier = ctx.Barrier(3)
    done = ctx.Queue()
    ps = [ctx.Process(target=locked_increments, args=(lock, counter, barrier, done, n)) for _ in range(2)]
    for p in ps:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    done.get()
    done.get()
    ms = (time.perf_counter() - t0) * 1e3
    for p in ps:
        join_ok(p)
    check(counter.value == 2 * n, "the counter is %d, not %d" % (counter.value, 2 * n))
    return ms


def shared_array():
    n = size(10_000_000, 1_000_000)
    ctx = spawn()
    a = ctx.RawArray("d", n)
    result = ctx.Queue()
    t0 = time.perf_counter()
    p = ctx.Process(target=fill_and_sum, args=(a, n, result))
    p.start()
    total = result.get()
    ms = (time.perf_counter() - t0) * 1e3
    join_ok(p)
    check(total == n * (n - 1) / 2, "the sum is %r" % total)
    return ms


def manager_dict():
    with spawn().Manager() as m:
        return dict_passes(m.dict())


def dict_passes(d):
    """Passes of d[k] = i then d[k] on a dict proxy, once the server answers; the mean per pass of 3,000, in us."""
    d["k"] = -1  # the manager answers
    n = size(3_000, 500)

    def one_pass():
        t0 = time.perf_counter()
        for i in range(n):
            d["k"] = i
            check(d["k"] == i, "the dict lost a value")
        return (time.perf_counter() - t0) * 1e6 / n

    return passes(one_pass)


CPU_ROUNDS = 3  # the same as Mp4jWorkloads.CPU_ROUNDS


def cpu_run(ex, tasks, steps):
    t0 = time.perf_counter()
    for f in [ex.submit(spin, steps) for _ in range(tasks)]:
        f.result()
    return time.perf_counter() - t0


def cpu_scaling():
    from concurrent.futures import ProcessPoolExecutor
    tasks = size(8, 4)
    steps = size(1_000_000, 200_000)
    rounds = 1 if QUICK else CPU_ROUNDS
    with ProcessPoolExecutor(1, mp_context=spawn()) as one, ProcessPoolExecutor(2, mp_context=spawn()) as two:
        cpu_run(one, tasks, steps)  # one whole round untimed on each pool, as on the mp4j side
        cpu_run(two, tasks, steps)
        ratios = [cpu_run(one, tasks, steps) / cpu_run(two, tasks, steps) for _ in range(rounds)]
    return median(ratios)


def serialize_small():
    value = [42, "hello", 3.14]
    n = size(200_000, 20_000)

    def one_pass():
        t0 = time.perf_counter()
        last = None
        for _ in range(n):
            last = pickle.loads(pickle.dumps(value))
        rate = n / (time.perf_counter() - t0)
        check(last == value, "pickle changed the value")
        return rate

    return passes(one_pass)


PICKLE_LIST_SIZE = 12_500  # the same as PythonWorkloads.PICKLE_LIST_SIZE


def pickle_round_trips(value, n):
    """Passes of pickle.dumps (protocol 4, as mp4j's Pickle writes) then pickle.loads of value; ops/s."""
    def one_pass():
        t0 = time.perf_counter()
        last = None
        for _ in range(n):
            last = pickle.loads(pickle.dumps(value, 4))
        rate = n / (time.perf_counter() - t0)
        check(last == value, "pickle changed the value")
        return rate

    return passes(one_pass)


def pickle_list():
    return pickle_round_trips(list(range(PICKLE_LIST_SIZE)), size(1_000, 100))


def pickle_dict():
    return pickle_round_trips({"a": 1, "b": 2.5, "c": "text", "d": [1, 2, 3]}, size(200_000, 20_000))


def manager_server():
    """Not a workload: the SyncManager server of pymanager-dict, on a free loopback port. Reads the authkey as one
    hex line on stdin, prints the port, then serves until it is stopped (SIGTERM to its pid)."""
    from multiprocessing.managers import SyncManager
    authkey = bytes.fromhex(sys.stdin.readline().strip())
    server = SyncManager(address=("127.0.0.1", 0), authkey=authkey).get_server()
    print(server.address[1], flush=True)
    server.serve_forever()


def pymanager_dict():
    """The CPython client of the same kind of server as the mp4j side's: this script's manager-server mode, started
    here with a random authkey and stopped by its pid at the end."""
    import subprocess
    from multiprocessing.managers import SyncManager
    authkey = os.urandom(32)
    server = subprocess.Popen([sys.executable, os.path.abspath(__file__), "manager-server"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        server.stdin.write(authkey.hex().encode("ascii") + b"\n")
        server.stdin.close()
        port = server.stdout.readline().strip()
        check(port.isdigit(), "the manager server printed no port: %r" % port)
        m = SyncManager(address=("127.0.0.1", int(port)), authkey=authkey)
        m.connect()
        d = m.dict()
        try:
            return dict_passes(d)
        finally:
            del d  # its decref, while the server is there
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def tpe_round_trip():
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as ex:
        return round_trips(ex, size(10_000, 2_000))


def tpe_submits():
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as ex:
        ex.submit(one).result()  # a thread is up
        n = size(20_000, 2_000)
        return passes(lambda: submits(ex, n))


def thread_pool(n):
    from multiprocessing.pool import ThreadPool
    return ThreadPool(n)


WORKLOADS = {
    "spawn-start-join": lambda: start_join("spawn"),
    # mp4j's side runs with its classes in a directory; CPython's has nothing alike
    "spawn-start-join-dir": lambda: start_join("spawn"),
    "forkserver-start-join": lambda: start_join("forkserver"),
    "forkserver-paced": lambda: start_join("forkserver", pacing=True),
    "program-pool-map": program_pool_map,
    "program-queue": program_queue,
    "ppe-round-trip": ppe_round_trip,
    "ppe-20k-submits": ppe_submits,
    "pool-map": lambda: pool_map(spawn().Pool(2), size(100_000, 10_000), None),
    "pool-map-chunk1": lambda: pool_map(spawn().Pool(2), size(20_000, 2_000), 1),
    "pool-imap": pool_imap,
    "queue-small": queue_small,
    "queue-1mib": queue_big,
    "queue-4to1": queue_four_to_one,
    "pipe-ping-pong": pipe_ping_pong,
    "pipe-1mib": pipe_big,
    "pipe-1mib-into": lambda: pipe_big(into=True),
    "lock-uncontended": lock_uncontended,
    "lock-contended": lock_contended,
    "shared-array": shared_array,
    "manager-dict": manager_dict,
    "cpu-scaling": cpu_scaling,
    "serialize-small": serialize_small,
    "pickle-list": pickle_list,
    "pickle-dict": pickle_dict,
    # the same as ppe-round-trip / ppe-20k-submits: mp4j's side runs this script's one() in python3 workers
    "python-executor-round-trip": ppe_round_trip,
    "python-executor-20k": ppe_submits,
    "pymanager-dict": pymanager_dict,
    "tpe-round-trip": tpe_round_trip,
    "tpe-20k-submits": tpe_submits,
    "threadpool-map": lambda: pool_map(thread_pool(2), size(100_000, 10_000), None),
}


def main(argv):
    global QUICK
    if argv == ["manager-server"]:
        manager_server()
        return 0
    if not 1 <= len(argv) <= 2 or (len(argv) == 2 and argv[1] != "quick") or argv[0] not in WORKLOADS:
        print("usage: mp4j_bench.py NAME [quick]; NAME one of: " + ", ".join(WORKLOADS), file=sys.stderr)
        return 2
    QUICK = len(argv) == 2
    result = WORKLOADS[argv[0]]()
    if FIRST is not None:
        print("FIRST %r" % float(FIRST))
    if SECOND is not None:
        print("SECOND %r" % float(SECOND))
    print("RESULT %r" % float(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
