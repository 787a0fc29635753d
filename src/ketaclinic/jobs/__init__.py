"""Background jobs: work that can outlast a request (whole-site exports, cohort PDFs, large
imports) runs on the task worker; the request that starts it answers at once (202 and a status
URL), and the result is downloaded from the storage the jobs write to."""
