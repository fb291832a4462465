"""What every feature uses: configuration, the database, extensions, security headers, error pages,
templating, the page cache, health, backup, migrations and the course content as the app holds it."""
