import os
import subprocess
import tempfile
import unittest

from gale_sdk.environments import Environments
from tests.wheels import make_wheel


class EnvironmentsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gale-envs-")
        self.wheels = os.path.join(self.dir, "wheels")
        os.makedirs(self.wheels)
        make_wheel(self.wheels, "galetoy", "1.0")
        make_wheel(self.wheels, "galetoy", "2.0")
        self.tasks = os.path.join(self.dir, "tasks")
        os.makedirs(self.tasks)
        for version in ("1.0", "2.0"):
            with open(os.path.join(self.tasks, f"toy{version[0]}.txt"), "w") as f:
                f.write(f"galetoy=={version}\n")
        self.lines = []

    def log(self, stream, line):
        self.lines.append(line)

    def version_in(self, python):
        return subprocess.run([python, "-c", "import galetoy; print(galetoy.VERSION)"], capture_output=True,
                              text=True, check=True).stdout.strip()

    def test_two_requirements_files_get_two_environments_each_with_its_own_version(self):
        envs = Environments(os.path.join(self.dir, "home"), self.wheels)

        one = envs.interpreter("toy1.txt", [self.tasks], self.log)
        two = envs.interpreter("toy2.txt", [self.tasks], self.log)

        self.assertNotEqual(one, two)
        self.assertEqual("1.0", self.version_in(one))
        self.assertEqual("2.0", self.version_in(two))

    def test_an_environment_is_built_once_and_reused_by_the_hash_of_its_requirements(self):
        envs = Environments(os.path.join(self.dir, "home"), self.wheels)
        first = envs.interpreter("toy1.txt", [self.tasks], self.log)
        built = len([l for l in self.lines if l.startswith("building the environment")])

        again = Environments(os.path.join(self.dir, "home"), self.wheels).interpreter("toy1.txt", [self.tasks], self.log)

        self.assertEqual(first, again)
        self.assertEqual(1, built)
        self.assertEqual(1, len([l for l in self.lines if l.startswith("building the environment")]))

    def test_a_missing_requirements_file_or_package_says_what_is_wrong(self):
        envs = Environments(os.path.join(self.dir, "home"), self.wheels)
        with self.assertRaises(FileNotFoundError) as missing:
            envs.interpreter("absent.txt", [self.tasks], self.log)
        self.assertIn("requirements file 'absent.txt' is in none of the worker's --path directories",
                      str(missing.exception))

        with open(os.path.join(self.tasks, "toy3.txt"), "w") as f:
            f.write("galetoy==3.0\n")
        with self.assertRaises(RuntimeError) as unknown:
            envs.interpreter("toy3.txt", [self.tasks], self.log)
        self.assertIn("could not install", str(unknown.exception))
        self.assertIn("galetoy==3.0", str(unknown.exception))

    def test_without_requirements_a_task_runs_on_the_workers_interpreter(self):
        import sys
        self.assertEqual(sys.executable, Environments(self.dir).interpreter(None, [self.tasks], self.log))


if __name__ == "__main__":
    unittest.main()
