"""Task functions of the PythonExecutor tests."""
import os
import threading
import time

initialized = False
gate = threading.Event()


def init():
    global initialized
    initialized = True


def is_initialized():
    return initialized


def add(a, b):
    return a + b


def square(x):
    return x * x


def fail(message):
    raise ValueError(message, 42)


def fail_on(x, bad=3):
    if x == bad:
        raise KeyError(x)
    return x


def die(code):
    os._exit(code)


def pid():
    return os.getpid()


def unpicklable():
    return lambda: None


class Holder:
    @staticmethod
    def nested(x):
        return ('nested', x)


def sleep(seconds):
    time.sleep(seconds)
    return seconds
