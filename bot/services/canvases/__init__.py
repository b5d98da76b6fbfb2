"""Channel canvases the bot keeps: what a group's canvas holds (group_record) and the updates owed (canvas_owed)."""
