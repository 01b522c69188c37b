"""Write js/src/fields.json: the synced fields as the page reads them (lg_widgets/fields.py).

`make js` runs it before the front end is built; tests/test_fields.py fails while the
committed file differs from the table.
"""

from __future__ import annotations

import pathlib

from lg_widgets.fields import export_json

TARGET = pathlib.Path(__file__).resolve().parents[1] / "js" / "src" / "fields.json"

if __name__ == "__main__":
    TARGET.write_text(export_json(), encoding="utf-8")
    print(f"wrote {TARGET}")
