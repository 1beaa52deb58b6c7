"""What scripts/bench-subscribe and scripts/reliability-subscribe share: a site with the
subscription service configured, the service in its own process, the aiosmtpd sink, and a
throw-away PostgreSQL cluster (initdb in a temp folder, as `nobody` when run as root)."""
import glob, os, re, shutil, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDBED = os.path.join(ROOT, "target", "release", "seedbed")
PYTHON = os.environ.get("SEEDBED_SMTP_PYTHON", os.path.join(ROOT, "target", "smtp-venv", "bin", "python"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_seedbed():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)


def make_site(tmp):
    """The digest fixture with digest.service_url; returns its folder."""
    site = os.path.join(tmp, "site")
    shutil.copytree(os.path.join(ROOT, "tests", "fixtures", "sites", "digest"), site)
    path = os.path.join(site, "site.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read().replace("\ndigest:\n", "\ndigest:\n  service_url: https://alerts.example.org/alerts\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return site


class Sink:
    """tests/smtp/sink.py (aiosmtpd); --discard keeps nothing."""

    def __init__(self, maildir=None):
        self.port = free_port()
        args = [PYTHON, os.path.join(ROOT, "tests", "smtp", "sink.py"), "--port", str(self.port)]
        args += ["--maildir", maildir or tempfile.mkdtemp()] + ([] if maildir else ["--discard"])
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            sys.exit("the SMTP sink did not start")
        self.url = f"smtp://127.0.0.1:{self.port}?tls=none"

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Service:
    """`seedbed subscribers serve` on a free port."""

    def __init__(self, site, extra, port=0):
        args = [SEEDBED, "subscribers", "serve", "--root", site, "--port", str(port)] + extra
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=dict(os.environ, RUST_LOG="error"))
        line = self.proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            sys.exit(f"the service did not start: {line}{self.proc.stderr.read()}")
        self.port = int(m.group(1))

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(next(l for l in f if l.startswith("VmRSS:")).split()[1])

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Postgres:
    """A throw-away cluster on 127.0.0.1."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="seedbed-pg-")
        self.port = free_port()
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1]
        self.root = os.geteuid() == 0
        if self.root:
            subprocess.run(["chown", "nobody", self.dir], check=True)
        self.run("initdb", "-A", "trust", "-U", "seedbed", "-E", "UTF8", "--locale=C", "-D", self.data)
        self.start()
        self.url = f"postgres://seedbed@127.0.0.1:{self.port}/postgres"

    @property
    def data(self):
        return os.path.join(self.dir, "data")

    def run(self, program, *args):
        cmd = [os.path.join(self.bin, program), *args]
        if self.root:
            cmd = ["runuser", "-u", "nobody", "--"] + cmd
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self.run("pg_ctl", "-D", self.data, "-o", options, "-l", os.path.join(self.dir, "log"), "-w", "start")

    def stop(self, mode="immediate"):
        self.run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def sql(self, query):
        return self.sql_in("postgres", query)

    def sql_in(self, database, query):
        return self.run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "seedbed", "-d", database, "-At", "-c", query)

    def remove(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
