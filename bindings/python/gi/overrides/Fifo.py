# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyGObject overrides for fifolock-glib.

Context managers, in a worker thread (the blocking forms) and in a coroutine
(`async with`, on PyGObject >= 3.50's GLib event loop):

    with lock.hold(write):            async with lock.hold(write):
        ...                               ...
    with mutex:                       async with mutex:
        ...                               ...

`lock(mode)` is the same as `lock.hold(mode)`, as in Python's fifolock, and
`mode` may be a mode instance or a mode class: a `Fifo.LockMode` class, or a
class in fifolock's style with a static or class method
`is_compatible(holds)` that reads `holds[Mode]`. A class stands for one
instance of it, made the first time and kept.

Cancelling the task that waits in `async with` (`task.cancel()`,
`asyncio.timeout()`) raises `asyncio.CancelledError` and leaves nothing held.

FifoCondition's `notify(n)` is asyncio's; `notify('property-name')`, with a
string, is GObject's property notification. `wait_for(predicate)` and
`wait_for_async(predicate, ...)` take a callable without arguments, as
asyncio does; if it raises, the wait ends and the exception comes out of
`wait_for` or `wait_for_finish`.

Fifo.Queue carries any Python object, and gives back the very object put
(see Queue below); put_async(), get_async() and join_async() without a
callback, in a coroutine, return awaitables.

The overrides only wrap the C API, which stays the reference. The asyncio
helpers below are shared with the `fifolock_glib` module.
"""

import sys
import threading
import weakref

from ..module import get_introspection_module
from ..overrides import override
from gi.repository import GLib, GObject, Gio

Fifo = get_introspection_module('Fifo')

__all__ = []


# ---- asyncio -----------------------------------------------------------------
#
# A coroutine awaits a C operation through a future of the running event
# loop: the operation's callback settles the future. All state stays in the
# C objects; what happens on cancellation is spelt out in _wait().

_asyncio_problem = None   # why asyncio cannot be used here, once known
_asyncio_checked = False

REQUIREMENT = ('fifolock-glib with asyncio needs PyGObject 3.50 or later, whose '
               'gi.events.GLibEventLoopPolicy runs asyncio on the GLib main loop')


def _asyncio_unsupported():
    """None if this PyGObject runs asyncio on GLib's main loop, or the
    message of the error to raise (it names the requirement)."""
    global _asyncio_problem, _asyncio_checked
    if not _asyncio_checked:
        import gi
        if gi.version_info < (3, 50, 0):
            _asyncio_problem = f'{REQUIREMENT} (this is PyGObject {gi.__version__})'
        else:
            try:
                import gi.events  # noqa: F401
            except ImportError as error:
                _asyncio_problem = f'{REQUIREMENT} ({error})'
        _asyncio_checked = True
    return _asyncio_problem


def _running_glib_loop():
    """The running asyncio loop of this thread, which must be PyGObject's
    GLib event loop; and the GLib.MainContext it iterates."""
    problem = _asyncio_unsupported()
    if problem is not None:
        raise RuntimeError(problem)
    import asyncio
    import gi.events
    loop = asyncio.get_running_loop()
    context = getattr(loop, '_context', None)
    if not isinstance(loop, gi.events.GLibEventLoop) or not isinstance(context, GLib.MainContext):
        raise RuntimeError(
            f'{loop!r} does not run on GLib\'s main loop, so fifolock-glib\'s callbacks '
            'would never reach it: call asyncio.set_event_loop_policy('
            'gi.events.GLibEventLoopPolicy()) before making the loop')
    return loop, context


def _loop_running_here():
    """Whether an asyncio event loop runs in this thread (a blocking form
    there would stop it, and with it whoever would release)."""
    asyncio = sys.modules.get('asyncio')
    return asyncio is not None and asyncio._get_running_loop() is not None


def _refuse_blocking_in_loop(what):
    if _loop_running_here():
        raise RuntimeError(f'`with {what}:` blocks the thread, and this thread runs the asyncio '
                           f'event loop: use `async with {what}:` in a coroutine, or `with` '
                           'in a worker thread')


class _Wait:
    """One C operation a task awaits."""
    __slots__ = ('future', 'outcome', 'settling')

    def __init__(self, future):
        self.future = future
        self.outcome = None     # (True, value) or (False, GLib.Error), once the callback ran
        self.settling = False   # cancelled; waiting only for the callback


_cancelling_future = None


def _future_cancelling(loop, cancellable):
    """A future of loop whose cancel() -- as task.cancel() calls it -- also
    cancels cancellable there and then, before the task runs again: the
    library takes the request back in that call, as g_cancellable_cancel()
    does in C (a queue's item handed to a get goes back to its place, a
    put that has not gone in never will)."""
    global _cancelling_future
    if _cancelling_future is None:
        import asyncio

        class _CancellingFuture(asyncio.Future):
            def cancel(self, msg=None):
                if not self.done():
                    self._fifo_cancellable.cancel()
                return super().cancel(msg=msg)

        _cancelling_future = _CancellingFuture
    future = _cancelling_future(loop=loop)
    future._fifo_cancellable = cancellable
    return future


def _wait(start, finish, *, give_back=None, reacquires=False, pass_on=None,
          cancellable=None, error=None, loop_context=None, cancel_at_once=False):
    """Runs start(cancellable, callback), which calls a C `_async` function,
    at once, and returns a coroutine that returns what finish(result) gives,
    raising as it raises (a GLib.Error goes through error(), if given).

    If the task is cancelled while the operation waits, the operation's
    GCancellable is cancelled: the request leaves the queue and holds
    nothing (a grant not yet delivered is handed on by the library), and
    asyncio.CancelledError is raised. If it is cancelled after the operation
    succeeded but before the task resumed, give_back(value) returns what
    it took. A condition wait (reacquires) completes only once it holds the
    mutex again, also when cancelled, as asyncio's does: it then waits
    for the callback, shielded from further cancellations, and pass_on()
    passes on a notification it consumed. A cancellable given by the
    caller also cancels the operation, which then raises the GLib.Error.
    With cancel_at_once, the task's cancellation cancels the operation as
    it is requested, not when the task runs again.
    """
    loop, context = loop_context or _running_glib_loop()
    ours = Gio.Cancellable()
    waiting = _Wait(_future_cancelling(loop, ours) if cancel_at_once else loop.create_future())

    def done(source, result):
        try:
            waiting.outcome = (True, finish(result))
        except GLib.Error as e:
            waiting.outcome = (False, e)
        future = waiting.future
        if waiting.settling:
            if not future.done():
                future.set_result(None)
        elif future.done():
            # The task was cancelled before this ran, and nobody will take
            # what the operation got (the library reports a cancellation
            # here; this only covers a success).
            if waiting.outcome[0] and give_back is not None and not reacquires:
                give_back(waiting.outcome[1])
        elif waiting.outcome[0]:
            future.set_result(waiting.outcome[1])
        else:
            e = waiting.outcome[1]
            future.set_exception(error(e) if error is not None else e)

    handler = None
    if cancellable is not None:
        # (GObject's connect: Gio.Cancellable.connect is g_cancellable_connect.)
        handler = GObject.Object.connect(cancellable, 'cancelled', lambda c: ours.cancel())
        if cancellable.is_cancelled():
            ours.cancel()
    try:
        # The callback runs in the thread-default context of the caller:
        # make that the loop's.
        context.push_thread_default()
        try:
            start(ours, done)
        finally:
            context.pop_thread_default()
    except BaseException:
        if handler is not None:
            GObject.signal_handler_disconnect(cancellable, handler)
        raise
    return _settle(loop, waiting, ours, give_back, reacquires, pass_on, cancellable, handler)


async def _settle(loop, waiting, ours, give_back, reacquires, pass_on, cancellable, handler):
    import asyncio
    try:
        try:
            return await waiting.future
        except asyncio.CancelledError as exc:
            cancelled = exc
        future = waiting.future
        if future.done() and not future.cancelled():
            # Completed, but the task was cancelled before it resumed.
            if future.exception() is None:
                if give_back is not None:
                    give_back(future.result())
                if pass_on is not None:
                    pass_on()
            raise cancelled
        if waiting.outcome is None:
            ours.cancel()
            if not reacquires:
                raise cancelled
            waiting.settling = True
            while waiting.outcome is None:
                waiting.future = loop.create_future()
                try:
                    await waiting.future
                except asyncio.CancelledError as again:
                    cancelled = again   # as asyncio: re-raise the latest
        if waiting.outcome[0] and pass_on is not None:
            pass_on()
        raise cancelled
    finally:
        if handler is not None:
            GObject.signal_handler_disconnect(cancellable, handler)


async def _acquire(owner, args=(), cancellable=None):
    """Acquires owner (a Mutex, a Semaphore, a Lock with args=(mode,)) from a
    coroutine: at once, without yielding, when it is free and nobody waits
    (as asyncio does), or else through the main loop."""
    loop_context = _running_glib_loop()
    if (cancellable is None or not cancellable.is_cancelled()) and owner.try_acquire(*args):
        return
    await _wait(lambda c, callback: owner.acquire_async(*args, c, callback),
                owner.acquire_finish,
                give_back=lambda value: owner.release(*args),
                cancellable=cancellable, loop_context=loop_context)


# ---- context managers ----------------------------------------------------------

class _Hold:
    """One acquisition of a primitive (in a mode), released on the way out:
    `with` takes it with the blocking form (in a worker thread), `async with`
    from a coroutine. It keeps no state, so it may be entered again, or by
    several tasks and threads at once."""
    __slots__ = ('_owner', '_args', '_cancellable', '_what')

    def __init__(self, owner, args, cancellable, what):
        self._owner = owner
        self._args = args
        self._cancellable = cancellable
        self._what = what

    def __enter__(self):
        _refuse_blocking_in_loop(self._what)
        self._owner.acquire(*self._args, self._cancellable)
        return self._owner

    def __exit__(self, *exc_info):
        self._owner.release(*self._args)
        return False

    async def __aenter__(self):
        await _acquire(self._owner, self._args, self._cancellable)
        return self._owner

    async def __aexit__(self, *exc_info):
        self._owner.release(*self._args)
        return False


class _Holding:
    """`with x:` / `async with x:` acquire x and release it on the way out."""

    def __enter__(self):
        _refuse_blocking_in_loop(type(self).__name__.lower())
        self.acquire(None)
        return self

    def __exit__(self, *exc_info):
        self.release()
        return False

    async def __aenter__(self):
        await _acquire(self)
        return self

    async def __aexit__(self, *exc_info):
        self.release()
        return False

    def hold(self, cancellable=None):
        """Acquire (cancellable) in `with` or `async with`, release after."""
        return _Hold(self, (), cancellable, f'{type(self).__name__.lower()}.hold()')


# ---- modes -----------------------------------------------------------------------
#
# A mode class stands for one instance of it, made once. A class in
# fifolock's style (not a Fifo.LockMode, with is_compatible(holds)) gets a
# GObject mode of its own type, so that the lock counts its holds by type.

_modes = {}
_adapters = {}
_modes_lock = threading.RLock()


class Holds:
    """What is held right now, as fifolock passes it to is_compatible:
    holds[Mode] counts the grants of a mode class (either style), of a
    Fifo.LockMode type, or of one mode instance."""
    __slots__ = ('_holds',)

    def __init__(self, holds):
        self._holds = holds

    def __getitem__(self, mode):
        if isinstance(mode, Fifo.LockMode):
            return self._holds.get_for_mode(mode)
        if isinstance(mode, type):
            if issubclass(mode, GObject.Object):
                return self._holds.get(mode)
            adapter = _adapters.get(mode)
            return 0 if adapter is None else self._holds.get(adapter)
        raise TypeError(f'holds[] takes a mode class or a Fifo.LockMode, not {mode!r}')

    def get(self, mode):
        return self[mode]

    @property
    def total(self):
        """Every hold, of whatever mode."""
        return self._holds.get_total()


def _adapter_class(mode_class):
    adapter = _adapters.get(mode_class)
    if adapter is None:
        is_compatible = mode_class.is_compatible
        name = ''.join(c if c.isalnum() else '_' for c in mode_class.__qualname__)

        def do_is_compatible(self, holds):
            return bool(is_compatible(Holds(holds)))

        # (Its module is not gi.overrides', or PyGObject would not register
        # it as a GType of its own.)
        adapter = type(f'{mode_class.__name__}Mode', (GObject.Object, Fifo.LockMode), {
            '__module__': mode_class.__module__,
            '__qualname__': f'{mode_class.__qualname__}Mode',
            '__gtype_name__': f'FifoPythonMode{len(_adapters)}_{name}',
            '__doc__': f'The Fifo.LockMode of {mode_class.__qualname__}',
            'do_is_compatible': do_is_compatible,
        })
        _adapters[mode_class] = adapter
    return adapter


def mode_instance(mode):
    """The Fifo.LockMode that `mode` stands for: itself if it is one; for a
    class, one instance of it (or of its adapter), made once and kept."""
    if isinstance(mode, Fifo.LockMode):
        return mode
    if not isinstance(mode, type):
        raise TypeError(f'a mode is a Fifo.LockMode, or a class, not {mode!r}')
    instance = _modes.get(mode)
    if instance is None:
        with _modes_lock:
            instance = _modes.get(mode)
            if instance is None:
                if issubclass(mode, Fifo.LockMode):
                    instance = mode()
                elif callable(getattr(mode, 'is_compatible', None)):
                    instance = _adapter_class(mode)()
                else:
                    raise TypeError(f'{mode.__qualname__} is not a mode: it is neither a '
                                    'Fifo.LockMode nor a class with is_compatible(holds)')
                _modes[mode] = instance
    return instance


# ---- the classes -------------------------------------------------------------------

class Lock(Fifo.Lock):
    def hold(self, mode, cancellable=None):
        """Acquire in `mode` (cancellable), in `with` (blocking, in a worker
        thread) or `async with` (a coroutine); release after. `mode` is a
        Fifo.LockMode, or a mode class."""
        return _Hold(self, (mode_instance(mode),), cancellable, 'lock.hold(mode)')

    def __call__(self, mode):
        """`async with lock(Write):`, as in Python's fifolock."""
        return _Hold(self, (mode_instance(mode),), None, 'lock(mode)')


Lock = override(Lock)
__all__.append('Lock')


class Mutex(_Holding, Fifo.Mutex):
    pass


Mutex = override(Mutex)
__all__.append('Mutex')


class Semaphore(_Holding, Fifo.Semaphore):
    pass


Semaphore = override(Semaphore)
__all__.append('Semaphore')


class _Predicate:
    """A predicate without arguments, as the C one (with its data) is
    called. If it raises, the wait ends (it returns TRUE) and the exception
    is kept, to be raised when the wait is finished."""
    __slots__ = ('predicate', 'error')

    def __init__(self, predicate):
        if not callable(predicate):
            raise TypeError(f'the predicate must be callable, not {predicate!r}')
        self.predicate = predicate
        self.error = None

    def __call__(self, *data):
        if self.error is not None:
            return True
        try:
            return bool(self.predicate())
        except BaseException as e:
            self.error = e
            return True

    def raise_error(self):
        error, self.error = self.error, None
        if error is not None:
            try:
                raise error
            finally:
                error = None


# wait_for_async() results whose predicate raised, until wait_for_finish().
_predicate_errors = weakref.WeakKeyDictionary()


class Condition(Fifo.Condition):
    """`with condition:` and `async with condition:` hold its mutex, as with
    threading and asyncio."""

    def __enter__(self):
        _refuse_blocking_in_loop('condition')
        self.get_mutex().acquire(None)
        return self

    def __exit__(self, *exc_info):
        self.get_mutex().release()
        return False

    async def __aenter__(self):
        await _acquire(self.get_mutex())
        return self

    async def __aexit__(self, *exc_info):
        self.get_mutex().release()
        return False

    def notify(self, n=1):
        """notify(n=1) wakes up to n waiters, as asyncio's; notify(name),
        with a property name, is GObject's property notification."""
        if isinstance(n, str):
            return GObject.Object.notify(self, n)
        return super().notify(n)

    def wait_for(self, predicate, cancellable=None):
        """Blocks until predicate() holds (checked with the mutex held); it
        takes no arguments, as in asyncio. If it raises, the wait ends and
        the exception is raised here, the mutex held as after a wait."""
        checked = _Predicate(predicate)
        holds = super().wait_for(checked, None, cancellable)
        checked.raise_error()
        return holds

    def wait_for_async(self, predicate, cancellable=None, callback=None, *user_data):
        """As in C, with a predicate without arguments; wait_for_finish()
        raises what the predicate raised. Without a callback, in a coroutine
        on PyGObject's GLib event loop, it returns a coroutine instead, for
        `await cond.wait_for_async(predicate)`: it waits when awaited,
        returns TRUE or raises what the predicate raised, and, cancelled,
        raises CancelledError holding the mutex again, as asyncio's does."""
        checked = _Predicate(predicate)
        if callback is None and _asyncio_unsupported() is None and _loop_running_here():
            return self._wait_for_coroutine(checked, cancellable)

        def done(source, result, *data):
            if checked.error is not None:
                _predicate_errors[result] = checked
            if callback is not None:
                callback(source, result, *data)

        # (PyGObject 3.42 insists on a tuple for the data of a callback that
        # is not the last one.)
        return super().wait_for_async(checked, (), cancellable, done, *user_data)

    def wait_for_finish(self, result):
        holds = super().wait_for_finish(result)
        checked = _predicate_errors.pop(result, None)
        if checked is not None:
            checked.raise_error()
        return holds

    async def _wait_for_coroutine(self, checked, cancellable):
        # The wait starts when the coroutine first runs, in the task that
        # awaits it: a task cancelled before then has started nothing.
        holds = await _wait(
            lambda c, callback: super(Condition, self).wait_for_async(checked, (), c, callback),
            super(Condition, self).wait_for_finish,
            reacquires=True, cancellable=cancellable)
        checked.raise_error()
        return holds


Condition = override(Condition)
__all__.append('Condition')


# ---- the queue ---------------------------------------------------------------------
#
# A Fifo.Queue made from Python (Fifo.Queue(), Fifo.Queue.new_for_values())
# holds GValues. Every item put from Python goes in as a GObject.TYPE_PYOBJECT
# value, which holds a reference to the object itself: what comes out is the
# very object put, whatever it is (None, a str, a dict, a GObject.Value), and
# the queue releases what it still holds when it goes. An item put from C
# comes out as PyGObject converts its GValue.
#
# PyGObject does not free a GValue a function returns, so the overrides never
# call the C get_value_finish() (get_finish in GI) or get_value() (get): a get
# is finished with get_value_finish_into(), and the blocking get is the
# asynchronous one, completed in a main context of its own.

def _boxed(item):
    return GObject.Value(GObject.TYPE_PYOBJECT, item)


def _not_cancelled(cancellable):
    return cancellable is None or not cancellable.is_cancelled()


async def _queue_put(queue, item, cancellable=None, error=None):
    """Puts item from a coroutine: at once, without yielding, when there is
    room and no put waits (as asyncio does), or else through the main loop.
    Cancelled before its item went in, it inserts nothing (the library
    takes the put back as task.cancel() is called); a put whose item the
    library took in, as room was freed, before that stands, as in C, and
    the task still raises CancelledError."""
    loop_context = _running_glib_loop()
    boxed = _boxed(item)
    if _not_cancelled(cancellable) and Fifo.Queue.try_put(queue, boxed):
        return True
    return await _wait(lambda c, callback: Fifo.Queue.put_async(queue, boxed, c, callback),
                       queue.put_finish, cancellable=cancellable, error=error,
                       loop_context=loop_context, cancel_at_once=True)


async def _queue_get(queue, cancellable=None, error=None):
    """Gets the oldest item from a coroutine: at once, without yielding,
    when there is one (nobody waits then), or else in its turn through the
    main loop. Cancelled, it takes nothing: an item handed to it goes back
    to its place, by the library as task.cancel() is called if its callback
    has not run yet, by give_back() (in front) if it has."""
    loop_context = _running_glib_loop()
    if _not_cancelled(cancellable):
        ok, item = Fifo.Queue.try_get(queue)
        if ok:
            return item
    return await _wait(lambda c, callback: Fifo.Queue.get_async(queue, c, callback),
                       queue.get_value_finish_into,
                       give_back=lambda item: Fifo.Queue.give_back(queue, _boxed(item)),
                       cancellable=cancellable, error=error, loop_context=loop_context,
                       cancel_at_once=True)


async def _queue_join(queue, cancellable=None):
    """Waits until every item put was marked done: at once, without
    yielding, if that is so already."""
    loop_context = _running_glib_loop()
    if _not_cancelled(cancellable) and queue.get_n_unfinished() == 0:
        return True
    return await _wait(lambda c, callback: Fifo.Queue.join_async(queue, c, callback),
                       queue.join_finish, cancellable=cancellable, loop_context=loop_context,
                       cancel_at_once=True)


def _awaitable_here(callback):
    """Whether an _async method called without a callback returns a
    coroutine: in a coroutine on PyGObject's GLib event loop."""
    return callback is None and _asyncio_unsupported() is None and _loop_running_here()


class Queue(Fifo.Queue):
    """Any Python object goes in, and the same object comes out:

        queue = Fifo.Queue(max_size=2)
        queue.try_put({'job': 1})
        ok, item = queue.try_get()     # (True, the same dict); (False, None) if empty

    put_async(), get_async() and join_async() take a callback as in C (call
    put_finish(), get_finish(), join_finish() from it); without one, in a
    coroutine on PyGObject's GLib event loop, they return a coroutine to
    await instead: `await queue.put_async(item)`, `item = await
    queue.get_async()`. A free queue does not make it yield. Cancelling the
    task raises CancelledError; a cancelled get takes nothing (its item goes
    back in front). put(), get() and join() block the calling thread (for
    worker threads). Failures raise GLib.Error: Fifo.Error.QUEUE_SHUT_DOWN,
    or Gio.IOErrorEnum.CANCELLED through a cancellable.

    The queue holds a reference to each item until it is got, dropped by
    shutdown(True), or the queue is finalized; Python's garbage collector
    does not see it, so an item that refers to the queue keeps it alive."""

    def put(self, item, cancellable=None):
        """Puts item, blocking while the queue is full; True, or raises
        GLib.Error (shut down, cancelled)."""
        return super().put(_boxed(item), cancellable)

    def try_put(self, item):
        """Puts item if that needs no waiting; whether it did."""
        return super().try_put(_boxed(item))

    def put_async(self, item, cancellable=None, callback=None, *user_data):
        if _awaitable_here(callback):
            return _queue_put(self, item, cancellable)
        return super().put_async(_boxed(item), cancellable, callback, *user_data)

    def get(self, cancellable=None):
        """Takes the oldest item, blocking until there is one; raises
        GLib.Error (shut down and empty, cancelled)."""
        # The asynchronous get, delivered in a context of this call's own
        # (see above: C's blocking get returns a GValue PyGObject keeps).
        context = GLib.MainContext.new()
        outcome = []

        def done(source, result):
            try:
                outcome.append((True, self.get_value_finish_into(result)))
            except GLib.Error as e:
                outcome.append((False, e))

        context.push_thread_default()
        try:
            super().get_async(cancellable, done)
        finally:
            context.pop_thread_default()
        while not outcome:
            context.iteration(True)
        ok, value = outcome.pop()
        if not ok:
            raise value
        return value

    def get_async(self, cancellable=None, callback=None, *user_data):
        if _awaitable_here(callback):
            return _queue_get(self, cancellable)
        return super().get_async(cancellable, callback, *user_data)

    def get_finish(self, result):
        """The item a get_async() got; raises GLib.Error if none."""
        return self.get_value_finish_into(result)

    def try_get(self):
        """(True, the oldest item) if there is one now, else (False, None)."""
        ok, item = super().try_get()
        return (True, item) if ok else (False, None)

    def give_back(self, item):
        """Gives back an item got and not marked done: it goes in front of
        the queue (see fifo_queue_give_back())."""
        super().give_back(_boxed(item))

    def join_async(self, cancellable=None, callback=None, *user_data):
        if _awaitable_here(callback):
            return _queue_join(self, cancellable)
        return super().join_async(cancellable, callback, *user_data)


Queue = override(Queue)
__all__.append('Queue')
