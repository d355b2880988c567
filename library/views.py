from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from library.forms import SearchForm
from library.models import Article, Topic

SEARCH_RESULTS = 20


def _published_articles():
    return Article.objects.published().only("title", "slug", "summary", "topic_id", "last_reviewed")


def _get_article_for_user(request, slug):
    """A published article; staff who may view articles also get drafts (to preview)."""
    articles = Article.objects.visible_to(request.user).select_related("topic")
    return get_object_or_404(articles, slug=slug)


@require_safe
def home(request):
    topics = Topic.objects.prefetch_related(
        Prefetch(
            "articles",
            queryset=_published_articles().order_by("title"),
            to_attr="published_articles",
        )
    )
    return render(
        request,
        "library/home.html",
        {"topics": [t for t in topics if t.published_articles], "form": SearchForm()},
    )


@require_safe
def topic(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = _published_articles().filter(topic=topic).order_by("title")
    return render(
        request,
        "library/topic.html",
        {"topic": topic, "articles": articles, "form": SearchForm()},
    )


@require_safe
def article(request, slug):
    article = _get_article_for_user(request, slug)
    return render(
        request,
        "library/article.html",
        {"article": article, "related": article.related(limit=3)},
    )


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    query = ""
    results = Article.objects.none()
    if form.is_valid():
        query = form.cleaned_data["q"]
        results = Article.objects.published().search(query).select_related("topic")
        results = list(results[:SEARCH_RESULTS])
    return render(
        request,
        "library/search.html",
        {"form": form, "query": query, "results": results, "limit": SEARCH_RESULTS},
    )
