"""Locking the unlocked app: core dumps off while keys are in memory, and the watcher that asks for a
lock when the session locks, the machine suspends, or the user has been away too long."""
