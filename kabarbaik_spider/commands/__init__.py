"""Project commands (``COMMANDS_MODULE``): ``crawl`` with exit statuses a scheduler can trust."""
