"""Render every existing article's body once into body_html (new articles are rendered
when saved). Reversing leaves the column to be dropped by the schema migration."""

from django.db import migrations


def render_bodies(apps, schema_editor):
    from library.rendering import render_stored

    Article = apps.get_model("library", "Article")
    for article in Article.objects.only("pk", "body").iterator():
        Article.objects.filter(pk=article.pk).update(body_html=render_stored(article.body))


class Migration(migrations.Migration):
    dependencies = [("library", "0007_article_body_html")]

    operations = [migrations.RunPython(render_bodies, migrations.RunPython.noop, elidable=True)]
