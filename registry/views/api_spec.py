"""The OpenAPI 3 document of the JSON API v1, built from the same models that validate its input."""

from pydantic import BaseModel

LINK_IDS = {
    "activities": {"client_ids": "clients", "subprocessor_ids": "subprocessors", "measure_ids": "measures"},
}
ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["error", "message"],
}


def _hoist(schema: dict, components: dict) -> dict:
    for name, sub in schema.pop("$defs", {}).items():
        components[name] = sub
    return schema


def _input_schema(area: str, model: type[BaseModel], components: dict) -> str:
    name = model.__name__
    schema = _hoist(model.model_json_schema(ref_template="#/components/schemas/{model}"), components)
    for field in LINK_IDS.get(area, {}):
        schema.setdefault("properties", {})[field] = {"type": "array", "items": {"type": "integer"}}
    components[name] = schema
    return name


def _update_schema(name: str, components: dict) -> str:
    base = components[name]
    update = dict(base)
    update["properties"] = {**base.get("properties", {}), "version": {"type": "integer", "minimum": 1}}
    update["required"] = sorted({*base.get("required", []), "version"})
    components[f"{name}Update"] = update
    return f"{name}Update"


def _responses(ok: dict, *codes: int) -> dict:
    texts = {401: "No valid token", 403: "Read-only role", 404: "Not found in your organisations",
             409: "Stale version or record in use", 422: "Invalid fields, by name"}
    out = dict(ok)
    for code in codes:
        out[str(code)] = {"description": texts[code],
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return out


def openapi_document(areas: dict[str, type[BaseModel]]) -> dict:
    components: dict = {"Error": ERROR, "Record": {"type": "object", "properties": {"id": {"type": "integer"},
                                                                                     "version": {"type": "integer"}}}}
    paths: dict = {
        "/api/v1/orgs": {"get": {"summary": "Organisations you belong to, with your role",
                                 "responses": _responses({"200": {"description": "Organisations"}}, 401)}},
    }
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    record_id = {"name": "record_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    record = {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}
    for area, model in areas.items():
        name = _input_schema(area, model, components)
        update = _update_schema(name, components)
        body = {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}
        update_body = {"required": True,
                       "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{update}"}}}}
        listing = [slug] + [
            {"name": n, "in": "query", "required": False, "schema": s}
            for n, s in (("q", {"type": "string"}), ("page", {"type": "integer", "minimum": 1}),
                         ("per_page", {"type": "integer", "minimum": 1, "maximum": 200}))
        ]
        paths[f"/api/v1/orgs/{{slug}}/{area}"] = {
            "get": {"summary": f"List {area} (search q, filters, paging)", "parameters": listing,
                    "responses": _responses({"200": {"description": "A page of records"}}, 401, 404)},
            "post": {"summary": f"Create one of {area}", "parameters": [slug], "requestBody": body,
                     "responses": _responses({"201": {"description": "Created", "content": record}}, 401, 403, 404,
                                             422)},
        }
        paths[f"/api/v1/orgs/{{slug}}/{area}/{{record_id}}"] = {
            "get": {"summary": "One record", "parameters": [slug, record_id],
                    "responses": _responses({"200": {"description": "The record", "content": record}}, 401, 404)},
            "put": {"summary": "Replace its fields (send the version you read)", "parameters": [slug, record_id],
                    "requestBody": update_body,
                    "responses": _responses({"200": {"description": "Saved", "content": record}}, 401, 403, 404, 409,
                                            422)},
            "patch": {"summary": "Change some fields (send the version you read)", "parameters": [slug, record_id],
                      "requestBody": update_body,
                      "responses": _responses({"200": {"description": "Saved", "content": record}}, 401, 403, 404,
                                              409, 422)},
            "delete": {"summary": "Delete a record nothing uses", "parameters": [slug, record_id],
                       "responses": _responses({"204": {"description": "Deleted"}}, 401, 403, 404, 409)},
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "GDPR register API", "version": "1",
                 "description": "Records of one organisation's register. Authenticate with a personal access token "
                                "(`flask --app app tokens create EMAIL --name NAME`) as `Authorization: Bearer <token>`."},
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
    }
