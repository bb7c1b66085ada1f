//! A capture file (pcapng) of a run, with its secrets embedded.
