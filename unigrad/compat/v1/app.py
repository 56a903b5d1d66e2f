"""tf.app.flags (tf.flags) and tf.app.run, over absl-py as TensorFlow 1.5+ has them.

As in TF1, reading tf.app.flags.FLAGS.<name> before tf.app.run parses sys.argv (ignoring flags
it does not know), and tf.app.run(main) parses the known flags, passes the rest of argv to
`main` and exits with its return value.
"""
import sys

try:
    from absl import app as _absl_app
    from absl import flags as _absl_flags
except ImportError as exc:  # pragma: no cover - an optional extra
    raise ImportError("tf.app.flags / tf.app.run use absl-py: pip install absl-py") from exc

from .not_covered import Namespace


def _parse_known(argv):
    """The defined flags parsed from argv, the rest returned; a bad value exits with absl's message
    (no traceback), as absl.app.run does."""
    try:
        return _absl_flags.FLAGS(argv, known_only=True)
    except _absl_flags.Error as error:
        sys.stderr.write(f"FATAL Flags parsing error: {error}\nPass --helpshort or --helpfull to see help on flags.\n")
        sys.exit(1)


class _FlagValues:
    """tf.app.flags.FLAGS: absl's FLAGS, parsing sys.argv on first read as TF1's wrapper does."""

    def __getattr__(self, name):
        flags = _absl_flags.FLAGS
        if not flags.is_parsed():
            _parse_known(sys.argv)
        return getattr(flags, name)

    def __setattr__(self, name, value):
        setattr(_absl_flags.FLAGS, name, value)

    def __call__(self, argv, known_only=True):
        return _absl_flags.FLAGS(argv, known_only=known_only)

    def __contains__(self, name):
        return name in _absl_flags.FLAGS

    def flag_values_dict(self):
        return self.__getattr__("flag_values_dict")()


FLAGS = _FlagValues()


def run(main=None, argv=None):
    """Parse the defined flags from argv (default sys.argv), call main(remaining argv), exit with
    its return value."""
    main = main or sys.modules["__main__"].main
    _absl_app.run(main, argv=argv, flags_parser=_parse_known)


flags = Namespace("tf.app.flags", FLAGS=FLAGS, **{name: getattr(_absl_flags, name) for name in (
    "DEFINE_string", "DEFINE_integer", "DEFINE_float", "DEFINE_boolean", "DEFINE_bool", "DEFINE_list",
    "DEFINE_enum", "DEFINE_multi_string", "DEFINE_multi_integer", "DEFINE_spaceseplist", "DEFINE_alias",
    "mark_flag_as_required", "mark_flags_as_required", "Flag", "FlagValues", "Error", "IllegalFlagValueError",
    "UnrecognizedFlagError")})
