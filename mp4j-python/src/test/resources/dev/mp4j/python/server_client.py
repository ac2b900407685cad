"""A CPython client of a Java PyManagerServer: a SyncManager subclass with get_dict (DictProxy), get_list
(ListProxy) and get_queue (AutoProxy), as an application registers them. Prints ascii() of what it saw."""
import queue
import sys
from multiprocessing.managers import DictProxy, ListProxy, RemoteError, SyncManager


class M(SyncManager):
    pass


M.register('get_dict', proxytype=DictProxy)
M.register('get_list', proxytype=ListProxy)
M.register('get_queue')
M.register('unknown')

port, authkey = int(sys.argv[1]), sys.argv[2].encode()
m = M(address=('127.0.0.1', port), authkey=authkey)
m.connect()
d, l, q = m.get_dict(), m.get_list(), m.get_queue()
out = []

d['a'] = 1
d[(1, 2)] = [3]
out += [d['a'], d.get('zz', 'dflt'), len(d), 'a' in d, 'b' in d]
out.append(sorted(repr(k) for k in d))  # __iter__: an Iterator proxy (#PROXY)
try:
    d['missing']
except KeyError as e:
    out.append('KeyError %r' % (e.args,))
out.append(d.copy())

l.append(1)
l.extend([2, 3])
l[0] = 10
out.append(list(l))  # the sequence protocol: __getitem__ until IndexError
out += [l[-1], l[0:2], l[::-1], len(l)]
del l[0]
l.insert(0, 'x')
out.append(l[:])
try:
    l[100]
except IndexError:
    out.append('IndexError')
l += [4]
out.append(l._getvalue())

q.put('item')
q.put(None)
out += [q.get(), q.get(timeout=5), q.qsize(), q.empty()]
try:
    q.get(timeout=0.05)
except queue.Empty:
    out.append('Empty')
try:
    q.get_nowait()
except queue.Empty:
    out.append('Empty')
q.put({'for': 'java'})

try:
    m.unknown()
except RemoteError as e:
    out.append('RemoteError' if 'not registered' in str(e) else str(e))
print(ascii(out), flush=True)
