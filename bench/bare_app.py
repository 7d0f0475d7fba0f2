"""The ceiling: a bare FastAPI JSON endpoint, served exactly like the product (not part of the product)."""

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()


@app.get("/bare")
def bare_get() -> JSONResponse:
    return JSONResponse({"ok": True})


@app.post("/bare")
def bare_post() -> JSONResponse:
    return JSONResponse({"saved": True})
