import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fcatlas.settings")
application = get_wsgi_application()
# What start-up loaded lives as long as the process: keep it out of every collection, which otherwise walks it
# again and again and makes the slowest requests several times slower than the median.
gc.freeze()
