import sys

try:
    from .cli import main  # loads NumPy: a Ctrl+C meanwhile ends with one line too
    status = main()
except KeyboardInterrupt:
    sys.stderr.write("python -m rnn: interrupted\n")
    status = 130
sys.exit(status)
