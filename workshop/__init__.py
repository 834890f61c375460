"""Attune's domain: workshop scripts, the live session state machine, results and the store.

Pure Python: nothing in this package imports Flask or knows about sockets.
"""
