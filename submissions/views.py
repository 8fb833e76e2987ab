from django.http import HttpResponse


def lookup(request):
    return HttpResponse("lookup")
