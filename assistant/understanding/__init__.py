"""Understanding a message: what it asks, what it states, what it refers back to."""
