"""The soak test (issue 11 §4): locust load against the app servers, then a check of every write.

`locustfile.py` drives the load and logs each acknowledged write as a JSON line; `verify.py` reads
those lines back and finds each write in the database. `accounts.py` issues the API tokens the
writing users sign in with.
"""
