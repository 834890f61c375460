"""Running test work in several threads at once."""

import threading


def run_together(target, arguments) -> None:
    """Call `target(*args)` for every tuple in `arguments`, each in its own thread; wait for all."""
    threads = [threading.Thread(target=target, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
