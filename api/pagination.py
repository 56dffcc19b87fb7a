"""Cursor pagination over the primary key: a stable order, and a page that costs the same wherever it is."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages of `page_size` rows (100 by default, at most 1,000), ordered by `id`, which is unique."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_size_query_description = "1ページの件数（既定100、最大1,000） / Rows per page (default 100, at most 1,000)"
    cursor_query_description = "前の応答の next・previous のカーソル / The cursor of a previous answer's links"
