"""CPython as the oracle of mp4j's pickle tests.

dump:  each stdin line is a Python expression; prints, per line, the base64 pickles of its value at
       protocols 2 to pickle.HIGHEST_PROTOCOL, separated by spaces ("dump 0 1": at protocols 0 and 1).
check: each stdin line is "predicate<TAB>base64 pickle"; the predicate is a lambda of the loaded value;
       prints "ok" or "FAIL <repr>" per line.
"""
import base64
import collections
import dataclasses
import datetime
import decimal
import fractions
import os
import pickle
import sys


@dataclasses.dataclass
class Point:
    x: int
    y: int


class AppError(Exception):
    pass


class Bag(list):
    pass


class Hostile:
    """Pickles as a call of os.system: what a hostile peer sends."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


class Keywords:
    """Pickled as Keywords.__new__(Keywords, 1, k='v') (NEWOBJ_EX) with its __dict__ as the state."""

    def __new__(cls, a, k=None):
        obj = super().__new__(cls)
        obj.a, obj.k = a, k
        return obj

    def __getnewargs_ex__(self):
        return (self.a,), {'k': self.k}

    def __eq__(self, other):
        return type(other) is Keywords and (self.a, self.k) == (other.a, other.k)


def main():
    mode = sys.argv[1]
    protocols = [int(p) for p in sys.argv[2:]] or range(2, pickle.HIGHEST_PROTOCOL + 1)
    for line in sys.stdin.read().splitlines():
        if not line:
            continue
        if mode == "dump":
            value = eval(line)
            print(" ".join(base64.b64encode(pickle.dumps(value, p)).decode() for p in protocols))
        elif mode == "check":
            predicate, data = line.split("\t")
            try:
                value = pickle.loads(base64.b64decode(data))
                ok = eval(predicate)(value)
                print("ok" if ok else "FAIL " + ascii(value)[:300])
            except Exception as e:
                print("FAIL " + ascii(e)[:300])
        else:
            raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
