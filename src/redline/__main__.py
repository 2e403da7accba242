"""``python -m redline`` runs the command-line interface."""

from redline.cli import main

main()
