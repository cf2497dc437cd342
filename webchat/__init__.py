"""Chat with the bot in a browser: a page with Web Chat, and a local Direct Line for it."""
