"""Pages everyone can reach: the front door, credits and the privacy statement."""
