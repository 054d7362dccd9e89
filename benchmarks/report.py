"""How the benchmark scripts hand over their figures: printed as JSON, and written to --json."""
import json


def emit(result, path=None) -> None:
    text = json.dumps(result, indent=2)
    print(text)
    if path:
        path.write_text(text)
