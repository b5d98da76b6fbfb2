"""Application layer: a command's text in, a rendered reply out (parse -> service -> render).

Slash-command handlers, @mention questions and the console all come through here, so each
answer is produced one way only.
"""
