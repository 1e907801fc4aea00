"""The API's actor object with the organisation's responsiveness to questions.

The actors app builds nothing on reviews (tests/test_dependencies.py), so its viewset cannot
read questions: this subclass, registered in its place at /api/v1/actors/ (portal/api_urls.py),
adds what reviews.questions.responsiveness computes, for a whole page of actors in the one query
it takes for one.
"""

from actors.api import ActorViewSet
from reviews.question_serializers import ActorWithResponsivenessSerializer
from reviews.questions import responsiveness


class ActorWithResponsivenessViewSet(ActorViewSet):
    """Accredited organisations, filterable like the directory, with their responsiveness to
    the public questions on their pledges."""

    serializer_class = ActorWithResponsivenessSerializer

    def get_serializer(self, *args, **kwargs):
        if args:  # the page of actors, or the one actor, being written out
            many = kwargs.get("many", False)
            actors = list(args[0]) if many else [args[0]]
            figures = responsiveness([actor.pk for actor in actors])
            for actor in actors:
                actor.responsiveness = figures[actor.pk]
            if many:
                args = (actors, *args[1:])
        return super().get_serializer(*args, **kwargs)
