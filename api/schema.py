"""Answers every operation may give besides 200, added to the OpenAPI schema (drf-spectacular postprocessing)."""

ERROR = {
    "type": "object",
    "description": "エラーの内容（detail またはパラメータごとの一覧） / What went wrong (detail, or per parameter)",
    "additionalProperties": True,
}
OTHER_ANSWERS = {
    "304": "変更なし（If-None-Match が現在の ETag と一致。匿名の呼び出しのみ） / Not modified (anonymous callers)",
    "400": "パラメータの誤り / A parameter is not valid",
    "404": "該当なし、またはカーソルの誤り / Not found, or a cursor that is not valid",
    "429": "呼び出しが多すぎます（Retry-After 秒後に再試行） / Too many requests (retry after Retry-After seconds)",
}


def document_other_answers(result, generator, request, public):
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for status, description in OTHER_ANSWERS.items():
                answer = {"description": description}
                if status != "304":
                    answer["content"] = {"application/json": {"schema": ERROR}}
                responses.setdefault(status, answer)
    return result
