"""``python -m caseledger`` runs the command line."""

from caseledger.cli import main

main()
