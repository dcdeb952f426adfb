"""``python -m rashinban`` runs the command line."""

from rashinban.cli import main

main()
