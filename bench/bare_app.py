"""The baseline for the lesson benchmark: a bare Flask view that answers every GET with the
same bytes, read once at start-up from the file named by BENCH_BARE_HTML. No login, no
database, no templates; the lesson page costs what it costs above this.

    BENCH_BARE_HTML=/tmp/page.html .venv/bin/gunicorn -w 2 -b 127.0.0.1:8001 bench.bare_app:app
"""

import os
from pathlib import Path

from flask import Flask, Response

BODY = Path(os.environ["BENCH_BARE_HTML"]).read_bytes()

app = Flask(__name__)


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path: str) -> Response:
    return Response(BODY, mimetype="text/html")
