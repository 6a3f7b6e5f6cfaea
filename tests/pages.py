"""What tests read in a rendered page."""

import re

# An address on another host in a page's src or href: a CDN, say. (A word such as "cdn"
# can turn up by chance inside a random CSRF token, so pages are checked by addresses.)
EXTERNAL = re.compile(r'(?:src|href)="(?:https?:)?//', re.IGNORECASE)
