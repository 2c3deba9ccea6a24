"""Tests of gogate.sumdb: note/key and tlog vectors, a loopback checksum database proven with real Go."""
