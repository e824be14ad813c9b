"""How long a test waits before calling a wait a hang: a guard so that a stuck child or
server fails the test instead of the whole run, never a measure of speed. It is generous
because a busy 2-core machine can be many times slower than a quiet one (tests never
measure time: bench/ does)."""

HANG = 600  # seconds
