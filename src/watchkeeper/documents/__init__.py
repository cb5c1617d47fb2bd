"""Documents about sanctions actions (press releases, statements, news): their text and the parties
they name. Knows nothing of lists, the store or screening."""
