"""The baseline for cold-start and per-request cost: a bare Chalice app with one route."""

from chalice import Chalice

app = Chalice(app_name="hello")


@app.route("/")
def index():
    return {"hello": "world"}
