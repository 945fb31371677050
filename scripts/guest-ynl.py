#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Runs inside the test VM, with brkscope.ko loaded: the kernel's own ynl
CLI, driven by Documentation/netlink/specs/brkscope.yaml alone, must read
from the module what the brkscope client reads, field by field.

    scripts/guest-ynl.py YNL-TREE [SELFTEST-DIR [CLIENT]]

YNL-TREE is build/ynl/kernel (scripts/ynl.sh tree); SELFTEST-DIR holds
brk_child and grow_once (default build/selftests); CLIENT is the brkscope
client (default build/userspace/brkscope).  Run from the project's root.
Prints TAP lines ("ok - ..."), exits 1 if any failed.

A known process, brk_child, grows its heap by 10 pages, shrinks it by 2
and fails a growth of 1 page, while `ynl --subscribe events` and
`brkscope -j monitor` both listen; then grow_once holds a heap of one page.
Then, for each, `ynl --do get` and `brkscope -j get`, `ynl --dump get` and
`brkscope -j list`, `ynl --do get-stats` and `brkscope -j stats`, and the
events both saw, are compared field by field, and with what the processes
themselves say they did.  ynl prints "Unexpected message" and drops a
reply whose command is not the one its request's op expects: any line of
its output that is not the one JSON document fails the test.
"""
import json
import os
import select
import signal
import struct
import subprocess
import sys
import time

PAGE = os.sysconf('SC_PAGE_SIZE')
GROW, SHRINK, FAIL = 10 * PAGE, 2 * PAGE, PAGE
SLEEP = 5           # ynl --subscribe --sleep: listens that long once subscribed
WAIT = 120          # for anything to start or answer, under TCG
# Syscalls a subscriber sits in once subscribed, from /proc/PID/syscall:
# ynl sleeps (clock_nanosleep, nanosleep), the client waits (ppoll, poll).
SLEEPING = {'230', '35'}
POLLING = {'271', '7'}

failed = 0


def tap(ok, name, why=()):
    global failed
    print(('ok - ' if ok else 'not ok - ') + name)
    for line in why:
        print('#   ' + line)
    if not ok:
        failed += 1
    sys.stdout.flush()


def comment(text):
    print('# ' + text)
    sys.stdout.flush()


class Ynl:
    def __init__(self, tree, spec):
        self.cmd = ['/usr/bin/python3', os.path.join(tree, 'tools/net/ynl/cli.py'),
                    '--spec', spec,
                    '--schema', os.path.join(tree, 'Documentation/netlink/genetlink.yaml'),
                    '--output-json']

    def argv(self, *args):
        return self.cmd + list(args)

    @staticmethod
    def parse(what, proc_out, rc, err):
        """The one JSON document of ynl's output, or an exception saying
        what else it printed."""
        lines = [l for l in proc_out.splitlines() if l.strip()]
        if rc != 0 or len(lines) != 1:
            shown = [l if len(l) < 160 else l[:160] + '...' for l in lines[:5]]
            raise RuntimeError(f'{what}: exit {rc}, {len(lines)} lines of output, '
                               f'not one JSON document: {shown} {err.strip()[-500:]}')
        return json.loads(lines[0])

    def run(self, *args):
        p = subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=WAIT)
        return self.parse('ynl ' + ' '.join(args), p.stdout, p.returncode, p.stderr)


def client(prog, *args):
    """brkscope -j ARGS: (its JSON document, its pid)."""
    p = subprocess.Popen([prog, '-j'] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    out, err = p.communicate(timeout=WAIT)
    if p.returncode:
        raise RuntimeError(f'brkscope -j {" ".join(args)}: exit {p.returncode}: {err.strip()}')
    return json.loads(out), p.pid


def from_ynl(y, prefix=''):
    """ynl's attributes as the client names them: underscores for dashes,
    without prefix; addresses (display-hint hex, "0x..." strings) as
    numbers."""
    out = {}
    for k, v in y.items():
        k = k.replace('-', '_')
        if prefix and k.startswith(prefix):
            k = k[len(prefix):]
        if isinstance(v, str) and v.startswith('0x'):
            v = int(v, 16)
        out[k] = v
    return out


def compare(yn, c):
    """Every field of either, the same in both: [] or the differences."""
    diffs = []
    for k in sorted(set(yn) | set(c)):
        if k not in c:
            diffs.append(f'{k}: ynl {yn[k]!r}, not in the client\'s output')
        elif k not in yn:
            diffs.append(f'{k}: client {c[k]!r}, not in ynl\'s output')
        elif yn[k] != c[k]:
            diffs.append(f'{k}: ynl {yn[k]!r}, client {c[k]!r}')
    return diffs


def process_fields(y, c):
    """A GET reply of ynl's against the client's object for it."""
    yn = from_ynl(y)
    # Attributes absent when false or unknown: the flag, and last-change-ns
    # before anything was counted (the client says false and null).
    yn.setdefault('tracked', False)
    yn.setdefault('last_change_ns', None)
    # The cgroup's path is the client's own reading of cgroup-id.
    c = {k: v for k, v in c.items() if k != 'cgroup'}
    return compare(yn, c)


def event_fields(y, c):
    """An event of ynl's (event-* attributes, enum names) against the
    client's line (the same names without "event_")."""
    return compare(from_ynl(y, 'event_'), c)


def expect(obj, want):
    """Differences between a client object and the values we know."""
    return [f'{k}: {obj.get(k)!r}, expected {v!r}' for k, v in want.items() if obj.get(k) != v]


def syscall_of(pid):
    try:
        with open(f'/proc/{pid}/syscall') as f:
            return f.read().split()[0]
    except OSError:
        return None


def wait_in_syscall(proc, nrs, what):
    """Until proc sits in one of the syscalls nrs: it has subscribed."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f'{what} exited ({proc.returncode}) before it subscribed')
        if syscall_of(proc.pid) in nrs:
            return
        time.sleep(0.05)
    raise RuntimeError(f'{what} did not subscribe within {WAIT} s')


class Child:
    """brk_child: one command per line, one answer line."""

    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)
        word, pid, brk = self.line().split()
        assert word == 'ready', word
        self.pid, self.sbrk0 = int(pid), int(brk, 16)

    def line(self):
        r, _, _ = select.select([self.p.stdout], [], [], WAIT)
        if not r:
            raise RuntimeError('brk_child did not answer')
        return self.p.stdout.readline().strip()

    def ask(self, cmd):
        self.p.stdin.write(cmd + '\n')
        self.p.stdin.flush()
        return self.line().split()

    def close(self):
        self.p.stdin.close()
        self.p.wait(WAIT)


def events_of(pid, ynl_proc, monitor, want):
    """Read the monitor's lines until it printed want events of pid, stop
    it, and wait for ynl's notifications: (ynl's, the client's), pid's
    only, and when the monitor had them all."""
    seen = []
    deadline = time.monotonic() + WAIT
    buf = ''
    fd = monitor.stdout.fileno()
    while len([e for e in seen if e.get('pid') == pid]) < want:
        left = deadline - time.monotonic()
        r, _, _ = select.select([fd], [], [], max(left, 0))
        if not r:
            raise RuntimeError(f'brkscope monitor printed {len(seen)} events, '
                               f'not {want} of pid {pid}, in {WAIT} s')
        chunk = os.read(fd, 65536).decode()
        if not chunk:
            raise RuntimeError('brkscope monitor exited early: '
                               + monitor.stderr.read().decode().strip())
        buf += chunk
        *lines, buf = buf.split('\n')
        seen += [json.loads(l) for l in lines if l.strip()]
    took = time.monotonic()
    monitor.send_signal(signal.SIGTERM)
    monitor.wait(WAIT)
    out, err = ynl_proc.communicate(timeout=WAIT)
    ntf = Ynl.parse('ynl --subscribe events', out, ynl_proc.returncode, err)
    wrong = [n for n in ntf if n.get('name') != 'event']
    if wrong:
        raise RuntimeError(f'ynl notifications that are not "event": {wrong[:3]}')
    mine_y = [n['msg'] for n in ntf if n['msg'].get('pid') == pid]
    mine_c = [e for e in seen if e.get('pid') == pid and 'seq' in e]
    comment(f'events: ynl got {len(ntf)} ({len(mine_y)} of pid {pid}), '
            f'the client {len(seen)} ({len(mine_c)} of pid {pid})')
    return mine_y, mine_c, took


def attempt(errors, what, fn, *args):
    """fn(*args), or None with its error in errors: a tool that fails does
    not keep the other from being asked."""
    try:
        return fn(*args)
    except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
        errors.append(str(e) if str(e).startswith(what) else f'{what}: {e}')
        return None


def checked(name, fn, *args):
    """One check that may fail to get its data: then one failed TAP line
    with what each tool said."""
    errors = []
    fn(errors, *args)
    if errors:
        tap(False, name, errors)


def check_get(errors, ynl, prog, pid, want):
    c = attempt(errors, 'brkscope -j get', client, prog, 'get', str(pid))
    y = attempt(errors, 'ynl --do get', ynl.run, '--do', 'get', '--json',
                json.dumps({'pid': pid}))
    if errors:
        return
    c = c[0]
    if len(c) != 1:
        errors.append(f'brkscope -j get: {c!r}')
        return
    diffs = process_fields(y, c[0])
    tap(not diffs, f'ynl --do get, pid {pid} ({want["comm"]}): brkscope -j get\'s '
        f'{len(c[0])} fields, every one', diffs)
    diffs = expect(c[0], want)
    if c[0].get('last_change_ns') is None:
        diffs.append('last_change_ns: null, expected a time')
    tap(not diffs, f'pid {pid} ({want["comm"]}): what it did', diffs)


def check_dump(errors, ynl, prog, known):
    c = attempt(errors, 'brkscope -j list', client, prog, 'list')
    yp = subprocess.Popen(ynl.argv('--dump', 'get'), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    out, err = yp.communicate(timeout=WAIT)
    y = attempt(errors, 'ynl --dump get', Ynl.parse, 'ynl --dump get', out, yp.returncode, err)
    if errors:
        return
    (c, cpid) = c
    cby = {o['pid']: o for o in c}
    yby = {o['pid']: o for o in y}
    diffs = []
    for pid in known:
        if pid not in cby or pid not in yby:
            diffs.append(f'pid {pid}: in the client\'s list {pid in cby}, in ynl\'s dump {pid in yby}')
        else:
            diffs += [f'pid {pid}: {d}' for d in process_fields(yby[pid], cby[pid])]
    # Everyone else may have moved between the two; not who is there
    # (but for each tool itself), nor their heap's start.
    extra = (set(cby) ^ set(yby)) - {cpid, yp.pid}
    if extra:
        diffs.append(f'pids in one listing only: {sorted(extra)}')
    for pid in set(cby) & set(yby):
        yn = from_ynl(yby[pid])
        diffs += [f'pid {pid}: {d}' for d in
                  compare({k: yn.get(k) for k in ('pid', 'comm', 'start_brk')},
                          {k: cby[pid].get(k) for k in ('pid', 'comm', 'start_brk')})]
    tap(not diffs, f'ynl --dump get: {len(yby)} processes, as brkscope -j list shows them '
        f'({len(cby)}); the known two field by field', diffs)


def check_stats(errors, ynl, prog):
    c1 = attempt(errors, 'brkscope -j stats', client, prog, 'stats')
    y = attempt(errors, 'ynl --do get-stats', ynl.run, '--do', 'get-stats')
    c2 = attempt(errors, 'brkscope -j stats (again)', client, prog, 'stats')
    if errors:
        return
    c1, c2 = c1[0], c2[0]
    diffs = [f'reply attributes {sorted(y)}, not ["stats"]'] if set(y) != {'stats'} else []
    ys = from_ynl(y.get('stats', {}))
    if set(ys) != set(c1):
        diffs.append(f'figures only ynl has: {sorted(set(ys) - set(c1))}; '
                     f'only the client: {sorted(set(c1) - set(ys))}')
    # Each tool's own exec and exit move the counters: ynl's figure lies
    # between the client's before and after, equal where those are.
    for k in sorted(set(ys) & set(c1)):
        lo, hi = min(c1[k], c2[k]), max(c1[k], c2[k])
        if not lo <= ys[k] <= hi:
            diffs.append(f'{k}: ynl {ys[k]}, client {c1[k]} before and {c2[k]} after')
    same = sum(1 for k in set(ys) & set(c1) if c1[k] == c2[k])
    tap(not diffs, f'ynl --do get-stats: brkscope -j stats\'s {len(c1)} figures '
        f'({same} equal before and after, the rest bracketed)', diffs)


def check_events(errors, child, ynl_proc, monitor, subscribed):
    s0, pid = child.sbrk0, child.pid
    brk = s0 + GROW - SHRINK
    got = attempt(errors, 'events', events_of, pid, ynl_proc, monitor, 3)
    if errors:
        return
    ey, ec, took = got
    comment(f'the client had brk_child\'s events {took - subscribed:.1f} s after '
            f'ynl subscribed (ynl listens {SLEEP} s)')
    diffs = []
    if took - subscribed > SLEEP:
        diffs.append(f'the events came {took - subscribed:.1f} s after ynl subscribed, '
                     f'later than its --sleep {SLEEP}: raise SLEEP')
    if len(ey) != len(ec):
        diffs.append(f'ynl saw {len(ey)} events of pid {child.pid}, the client {len(ec)}')
    for i, (y, c) in enumerate(zip(ey, ec)):
        diffs += [f'event {i}: {d}' for d in event_fields(y, c)]
    tap(not diffs, f'ynl --subscribe events: the same {len(ec)} events as brkscope -j monitor, '
        'every field', diffs)
    want = [dict(type='grow', source='brk', pid=child.pid, comm='brk_child',
                 old_brk=s0, new_brk=s0 + GROW, len=GROW),
            dict(type='shrink', source='brk', old_brk=s0 + GROW, new_brk=brk, len=SHRINK),
            dict(type='grow-failed', source='brk', old_brk=brk, new_brk=brk + FAIL)]
    diffs = [f'event {i}: {d}' for i, (c, w) in enumerate(zip(ec, want)) for d in expect(c, w)]
    if len(ec) != 3:
        diffs.append(f'{len(ec)} events, not 3')
    tap(not diffs, 'the events are brk_child\'s growth, shrink and failed growth', diffs)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tree = sys.argv[1]
    tests = sys.argv[2] if len(sys.argv) > 2 else 'build/selftests'
    prog = sys.argv[3] if len(sys.argv) > 3 else 'build/userspace/brkscope'
    spec = os.path.abspath('Documentation/netlink/specs/brkscope.yaml')
    ynl = Ynl(tree, spec)
    start = time.monotonic()

    child = Child(os.path.join(tests, 'brk_child'))
    s0 = child.sbrk0
    comment(f'brk_child: pid {child.pid}, break {s0:#x}')

    # ---- events: both listen while brk_child grows, shrinks, fails ----
    ynl_proc = subprocess.Popen(ynl.argv('--subscribe', 'events', '--sleep', str(SLEEP)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    monitor = subprocess.Popen([prog, '-j', 'monitor'], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        t = time.monotonic()
        wait_in_syscall(monitor, POLLING, 'brkscope monitor')
        wait_in_syscall(ynl_proc, SLEEPING, 'ynl --subscribe events')
        subscribed = time.monotonic()
        comment(f'both subscribed after {subscribed - t:.1f} s')
        steps = [child.ask(f'sbrk {GROW}'), child.ask(f'sbrk -{SHRINK}'),
                 child.ask('rlimit_data 0'), child.ask(f'sbrk {FAIL}'),
                 child.ask('brk 0x0')]   # brk(0) settles the failed growth
        comment('brk_child: ' + ' | '.join(' '.join(s) for s in steps))
        assert steps[0] == ['ok', hex(s0), hex(s0 + GROW)], steps[0]
        assert steps[1] == ['ok', hex(s0 + GROW), hex(s0 + GROW - SHRINK)], steps[1]
        assert steps[3][:2] == ['err', '12'], steps[3]
        brk = s0 + GROW - SHRINK
        checked('ynl --subscribe events', check_events, child, ynl_proc, monitor, subscribed)
    finally:
        for p in (monitor, ynl_proc):
            if p.poll() is None:
                p.kill()
                p.wait()

    # ---- grow_once: a second known process, holding one page ----
    once = subprocess.Popen([os.path.join(tests, 'grow_once'), 'hold'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    once_brk = struct.unpack('=Q', once.stdout.read(8))[0]

    try:
        known = {
            child.pid: dict(pid=child.pid, comm='brk_child', start_brk=s0, brk=brk,
                            heap_end=brk, heap_bytes=brk - s0, grows=1, grown_bytes=GROW,
                            failed_grows=1, shrinks=1, shrunk_bytes=SHRINK,
                            peak_brk=s0 + GROW, tracked=True),
            once.pid: dict(pid=once.pid, comm='grow_once', start_brk=once_brk - PAGE,
                           brk=once_brk, heap_end=once_brk, heap_bytes=PAGE, grows=1,
                           grown_bytes=PAGE, failed_grows=0, shrinks=0, shrunk_bytes=0,
                           peak_brk=once_brk, tracked=True),
        }

        for pid, want in known.items():
            checked(f'ynl --do get, pid {pid} ({want["comm"]})', check_get, ynl, prog, pid, want)
        checked('ynl --dump get', check_dump, ynl, prog, known)
        checked('ynl --do get-stats', check_stats, ynl, prog)
    finally:
        once.stdin.close()
        once.wait(WAIT)
        child.close()

    comment(f'figure: ynl test took {time.monotonic() - start:.1f} s')
    return 1 if failed else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception as e:          # a crash is one failure, said in TAP
        import traceback
        tap(False, f'ynl test ran to the end ({type(e).__name__}: {e})',
            traceback.format_exc().splitlines())
        sys.exit(1)
