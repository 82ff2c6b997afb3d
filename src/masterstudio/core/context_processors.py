def csrf_placeholder(request):
    """While a page is rendered for the page cache, forms get a placeholder instead of this
    request's CSRF token; core.pagecache puts each request's own token in when it serves the page."""
    if getattr(request, "_pagecache_rendering", False):
        from masterstudio.core.pagecache import CSRF_PLACEHOLDER

        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}
