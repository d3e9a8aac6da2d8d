"""What upskit offers beside the NUT protocol: the HTTP service (dashboard, REST API,
Prometheus ``/metrics``) and the history store.  Nothing here is imported unless the
HTTP service or the history is configured."""
